package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.ProxylessTranslator;
import io.llmxds.cp.translate.Translator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pruned search finds exactly what a walk over every message (and every unpacked Any) finds. */
class MessageFinderTest {

  private static final Set<Class<? extends Message>> WANTED = Set.of(RouteAction.class,
      WeightedCluster.ClusterWeight.class, GrpcService.EnvoyGrpc.class, Rds.class, SdsSecretConfig.class,
      ClusterConfig.class);

  @Test
  void findsWhatTheFullWalkFindsInBothFlavorsOfTheExample() {
    MessageFinder finder = MessageFinder.of(WANTED.toArray(Class[]::new));
    List<Message> resources = Stream.of(Translator.translate(Bundles.example()),
            ProxylessTranslator.translate(Bundles.example()))
        .flatMap(MessageFinderTest::all).toList();
    int found = 0;
    for (Message resource : resources) {
      List<Message> expected = MessageTree.of(resource).stream()
          .filter(m -> WANTED.stream().anyMatch(t -> t.isInstance(m))).toList();
      assertThat(finder.in(resource, new UnpackedAnys())).as("in %s", resource.getDescriptorForType().getName())
          .containsExactlyElementsOf(expected);
      found += expected.size();
    }
    assertThat(found).as("messages of the wanted types in the example").isGreaterThan(10);
  }

  @Test
  void keepsOnlyTheAskedType() {
    MessageFinder finder = MessageFinder.of(Rds.class, GrpcService.EnvoyGrpc.class);
    EnvoyResources example = Translator.translate(Bundles.example());
    assertThat(example.listeners()).allSatisfy(listener ->
        assertThat(finder.in(listener, Rds.class, new UnpackedAnys())).hasSize(1));
  }

  private static Stream<Message> all(EnvoyResources r) {
    return Stream.of(r.clusters(), r.endpoints(), r.listeners(), r.routes(), r.secrets())
        .flatMap(List::stream).map(Message.class::cast);
  }
}
