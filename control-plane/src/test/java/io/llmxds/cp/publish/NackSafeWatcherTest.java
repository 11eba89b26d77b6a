package io.llmxds.cp.publish;

import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The watcher over a real SimpleCache, driven the way java-control-plane drives it: callback, then createWatch. */
class NackSafeWatcherTest {

  private static final long STREAM = 1;
  private static final Node NODE = Node.newBuilder().setId("edge-1").build();
  private static final EnvoyResources V1 = TestResources.withRouteTimeout(30);
  private static final EnvoyResources V2 = TestResources.withRouteTimeout(60);

  private final List<Node> groupedNodes = new CopyOnWriteArrayList<>();
  private final NodeGroup<String> groups =
      node -> {
        groupedNodes.add(node);
        return Flavor.EDGE.wire();
      };
  private final SimpleCache<String> cache = new SimpleCache<>(groups);
  private final XdsStreams streams = new XdsStreams();
  private final NackSafeWatcher watcher = new NackSafeWatcher(cache, groups, streams);
  private final List<Response> responses = new CopyOnWriteArrayList<>();

  NackSafeWatcherTest() {
    streams.open(STREAM, "");
  }

  @Test
  void aNackOfTheCurrentVersionWaitsForANewVersion() {
    publish(V1);
    request(routes("").setNode(NODE));
    assertThat(responses).extracting(Response::version).containsExactly(rds(V1));

    Watch parked = request(nack(""));
    publish(V1);
    assertThat(responses).hasSize(1);
    assertThat(parked.isCancelled()).isFalse();

    publish(V2);
    assertThat(responses).extracting(Response::version).containsExactly(rds(V1), rds(V2));
  }

  @Test
  void aNackOfAnOutdatedVersionIsAnsweredWithTheCurrentOne() {
    publish(V1);
    request(routes("").setNode(NODE));
    publish(V2); // no open watch: the client has not acknowledged yet

    request(nack(""));

    assertThat(responses).extracting(Response::version).containsExactly(rds(V1), rds(V2));
  }

  @Test
  void aCancelledParkedWatchIsNotReissued() {
    publish(V1);
    request(routes("").setNode(NODE));
    request(nack("")).cancel();

    publish(V2);

    assertThat(responses).hasSize(1);
  }

  @Test
  void aRequestForTheVersionAboutToBeServedThatCameBeforeAnySnapshotIsAnsweredWhenOneIsPublished() {
    // A client reconnecting to a restarted control plane while it loads its policies.
    request(routes(rds(V1)).setNode(NODE));
    assertThat(responses).isEmpty();

    publish(V1);

    assertThat(responses).extracting(Response::version).containsExactly(rds(V1));
  }

  /** A client that reconnects to a restarted server asks for everything (a wildcard) with the version it runs. */
  @Test
  void aWildcardRequestResumingWithTheCurrentVersionIsAnsweredSoTheNodeCanAckIt() {
    publish(V1);
    String listeners = TypeVersions.of(V1).get(LDS);

    request(DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo(listeners).setNode(NODE));

    assertThat(responses).extracting(Response::version).containsExactly(listeners);
  }

  /** An ACK carries a nonce: the same version is not sent again. */
  @Test
  void anAckOfTheCurrentWildcardVersionIsNotAnsweredAgain() {
    publish(V1);
    String listeners = TypeVersions.of(V1).get(LDS);
    request(DiscoveryRequest.newBuilder().setTypeUrl(LDS).setNode(NODE));

    request(DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo(listeners).setResponseNonce("0"));

    assertThat(responses).hasSize(1);
  }

  @Test
  void requestsWithoutANodeAreGroupedByTheNodeOfTheStream() {
    request(routes("").setNode(NODE));
    request(DiscoveryRequest.newBuilder().setTypeUrl(LDS));

    assertThat(groupedNodes).hasSize(2).containsOnly(NODE);
  }

  @Test
  void createWatchWithoutTheRequestCallbackFailsLoudly() {
    DiscoveryRequest request = routes("").setNode(NODE).build();

    assertThatThrownBy(
            () -> watcher.createWatch(true, XdsRequest.create(request), Set.of(), responses::add, false, false))
        .isInstanceOf(IllegalStateException.class);
  }

  private Watch request(DiscoveryRequest.Builder builder) {
    DiscoveryRequest request = builder.build();
    streams.received(STREAM, request);
    return watcher.createWatch(true, XdsRequest.create(request), Set.of(), responses::add, false, false);
  }

  private void publish(EnvoyResources resources) {
    PublishedSnapshot published = new PublishedSnapshot("test", TypeVersions.of(resources), resources);
    cache.setSnapshot(Flavor.EDGE.wire(), SnapshotPublisher.snapshotOf(published));
    watcher.snapshotPublished();
  }

  private static DiscoveryRequest.Builder routes(String version) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(RDS)
        .addResourceNames(TestResources.ROUTES)
        .setVersionInfo(version);
  }

  private static DiscoveryRequest.Builder nack(String keptVersion) {
    return routes(keptVersion).setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected"));
  }

  private static String rds(EnvoyResources resources) {
    return TypeVersions.of(resources).get(RDS);
  }
}
