package io.llmxds.cp.publish;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.Flavor;
import io.llmxds.cp.translate.ProxylessTranslator;
import io.llmxds.cp.translate.Translator;
import java.time.Duration;
import java.util.List;
import io.llmxds.cp.translate.EnvoyResources;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Envoy nodes and gRPC clients on one real ADS server, each served its flavor of the same config version. */
class NodeFlavorsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final Duration QUIET = Duration.ofMillis(500);
  private static final List<String> DIALED = List.of("chat", "gpt-4o");

  private XdsServer server;
  private AdsTestClient envoy;
  private AdsTestClient grpc;

  @BeforeEach
  void startServer() throws Exception {
    server = XdsServer.start(0);
  }

  @AfterEach
  void stop() {
    for (AdsTestClient client : new AdsTestClient[] {envoy, grpc}) {
      if (client != null) {
        client.close();
      }
    }
    server.close();
  }

  @Test
  void theFlavorComesFromMetadataOrElseTheUserAgent() {
    assertThat(XdsNodeGroups.flavorOf(Node.newBuilder().setId("envoy").setUserAgentName("envoy").build()))
        .isEqualTo(Flavor.EDGE);
    assertThat(XdsNodeGroups.flavorOf(Node.getDefaultInstance())).isEqualTo(Flavor.EDGE);
    assertThat(XdsNodeGroups.flavorOf(AdsTestClient.grpcJavaNode("j"))).isEqualTo(Flavor.PROXYLESS);
    assertThat(XdsNodeGroups.flavorOf(Node.newBuilder().setUserAgentName("gRPC Node Pure JS").build()))
        .isEqualTo(Flavor.PROXYLESS);
    assertThat(XdsNodeGroups.flavorOf(withFlavor(Node.newBuilder().setUserAgentName("my-sidecar"), "proxyless")))
        .isEqualTo(Flavor.PROXYLESS);
    assertThat(XdsNodeGroups.flavorOf(withFlavor(AdsTestClient.grpcJavaNode("j").toBuilder(), "edge")))
        .as("metadata wins over the user agent").isEqualTo(Flavor.EDGE);
    assertThat(XdsNodeGroups.flavorOf(withFlavor(AdsTestClient.grpcJavaNode("j").toBuilder(), "sidecar")))
        .as("an unknown flavor name leaves it to the user agent").isEqualTo(Flavor.PROXYLESS);
  }

  @Test
  void eachFlavorGetsItsResourcesBothAckAndARouteEditPushesOnlyRdsToBoth() throws Exception {
    PublishedConfig v1 = publish("v1", Bundles.example());
    envoy = AdsTestClient.connect(server.port(), Node.newBuilder().setId("envoy-1").setCluster("llm").build());
    grpc = AdsTestClient.connectByName(server.port(), AdsTestClient.grpcJavaNode("grpc-1"), DIALED);

    await().atMost(PATIENCE).until(() -> envoy.ackedVersions().equals(v1.edge().typeVersions()));
    Map<String, String> proxylessTypes = withoutSecrets(v1.proxyless().typeVersions());
    await().atMost(PATIENCE).until(() -> grpc.ackedVersions().equals(proxylessTypes));
    assertThat(v1.edge().typeVersions().get(LDS)).isNotEqualTo(v1.proxyless().typeVersions().get(LDS));

    assertThat(lastNames(envoy, LDS)).containsExactly("edge");
    assertThat(lastNames(grpc, LDS)).containsExactlyElementsOf(DIALED);
    assertThat(lastNames(grpc, RDS)).containsExactly("proxyless/chat", "proxyless/gpt-4o");
    assertThat(lastNames(grpc, CDS)).containsExactlyInAnyOrder("fallback/mock-a/mock-fallback", "fallback/mock-b/mock-fallback",
        "provider/mock-a", "provider/mock-b", "provider/mock-fallback", "provider/openai");
    assertThat(lastNames(grpc, EDS)).containsExactly("provider/mock-a", "provider/mock-b", "provider/mock-fallback");
    assertThat(grpc.count(SDS)).isZero();
    assertThat(grpc.sent()).noneMatch(r -> r.getTypeUrl().equals(SDS));

    Map<String, Integer> envoyBefore = envoy.counts();
    Map<String, Integer> grpcBefore = grpc.counts();
    PublishedConfig v2 = publish("v2", withChatWeights(50, 50));
    assertThat(changed(v1.edge(), v2.edge())).containsExactly(RDS);
    assertThat(changed(v1.proxyless(), v2.proxyless())).containsExactly(RDS);
    await().atMost(PATIENCE).until(() -> envoy.ackedVersions().equals(v2.edge().typeVersions()));
    await().atMost(PATIENCE).until(() -> grpc.ackedVersions().equals(withoutSecrets(v2.proxyless().typeVersions())));
    await().during(QUIET).atMost(QUIET.plus(PATIENCE)).until(() ->
        envoy.counts().equals(plusOne(envoyBefore, RDS)) && grpc.counts().equals(plusOne(grpcBefore, RDS)));
  }

  private PublishedConfig publish(String version, PolicyBundle bundle) throws Exception {
    Map<Flavor, EnvoyResources> flavors = new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      flavors.put(flavor, flavor.translate(bundle));
    }
    return server.publish(version, flavors).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  private static PolicyBundle withChatWeights(int a, int b) {
    PolicyBundle example = Bundles.example();
    ModelRoute chat = Bundles.chat();
    ModelRoute reweighted = new ModelRoute(chat.name(), chat.models(),
        List.of(new ModelRoute.Backend("mock-a", Optional.of("mock-model-a"), a),
            new ModelRoute.Backend("mock-b", Optional.empty(), b)),
        chat.fallbacks(), chat.retry(), chat.timeout(), chat.contextPolicy());
    return new PolicyBundle(example.gateway(), example.providers(), List.of(reweighted, Bundles.gpt4o()),
        example.rateLimits(), example.contextPolicies());
  }

  private static Node withFlavor(Node.Builder node, String flavor) {
    return node.setMetadata(Struct.newBuilder()
        .putFields(XdsNodeGroups.FLAVOR_KEY, Value.newBuilder().setStringValue(flavor).build())).build();
  }

  private static Map<String, String> withoutSecrets(Map<String, String> typeVersions) {
    return typeVersions.entrySet().stream().filter(e -> !e.getKey().equals(SDS))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static List<String> changed(PublishedSnapshot a, PublishedSnapshot b) {
    return a.typeVersions().keySet().stream()
        .filter(type -> !a.typeVersions().get(type).equals(b.typeVersions().get(type)))
        .toList();
  }

  private static Map<String, Integer> plusOne(Map<String, Integer> counts, String typeUrl) {
    Map<String, Integer> expected = new java.util.HashMap<>(counts);
    expected.merge(typeUrl, 1, Integer::sum);
    return expected;
  }

  private static List<String> lastNames(AdsTestClient client, String typeUrl) {
    List<AdsTestClient.Received> received = client.received(typeUrl);
    return received.get(received.size() - 1).resourceNames();
  }
}
