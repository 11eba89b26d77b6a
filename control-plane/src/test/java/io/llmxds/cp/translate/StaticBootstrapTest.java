package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.envoy.BootstrapFiles;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.verify.EnvoyRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The static bootstrap {@code validate --envoy} gives Envoy: strictly an Envoy {@link Bootstrap}, holding every
 * resource ADS would push to an edge node with nothing left to discover, secrets in place, clean under the verify
 * stage's rule walk. Over the example policies and every golden-file input.
 */
class StaticBootstrapTest {

  static Stream<Path> policyDirs() throws IOException {
    try (Stream<Path> golden = Files.list(Path.of("src/test/resources/golden/in"))) {
      return Stream.concat(Stream.of(PolicyDirs.EXAMPLES), golden.filter(Files::isDirectory).sorted().toList().stream())
          .toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("policyDirs")
  void parsesStrictlyAsAnEnvoyBootstrapInJsonAndAsRenderedYaml(Path dir) throws IOException {
    Bootstrap bootstrap = StaticBootstrap.render(compiled(dir).resources());

    // No ignoringUnknownFields(): a field Envoy's API does not have fails the parse, as Envoy's loader would.
    Bootstrap.Builder fromJson = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY).merge(BootstrapFiles.json(bootstrap), fromJson);
    assertThat(fromJson.build()).isEqualTo(bootstrap);

    String yaml = ResourceYaml.render(List.of(bootstrap));
    Bootstrap.Builder fromYaml = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY)
        .merge(new ObjectMapper(new YAMLFactory()).readTree(yaml).toString(), fromYaml);
    assertThat(fromYaml.getStaticResources().getListenersCount()).isEqualTo(bootstrap.getStaticResources()
        .getListenersCount());
  }

  @ParameterizedTest
  @MethodSource("policyDirs")
  void holdsEveryResourceOfTheEdgeSnapshotWithNothingLeftToDiscover(Path dir) throws Exception {
    EnvoyResources edge = compiled(dir).resources();
    Bootstrap bootstrap = StaticBootstrap.render(edge);
    var resources = bootstrap.getStaticResources();

    assertThat(resources.getListenersList()).extracting(Listener::getName)
        .containsExactlyElementsOf(edge.listeners().stream().map(Listener::getName).toList());
    assertThat(resources.getClustersList()).extracting(Cluster::getName)
        .containsExactlyElementsOf(edge.clusters().stream().map(Cluster::getName).toList());
    assertThat(resources.getSecretsList()).containsExactlyElementsOf(edge.secrets());

    List<RouteConfiguration> inlined = resources.getListenersList().stream()
        .flatMap(l -> l.getFilterChainsList().stream()).flatMap(c -> c.getFiltersList().stream())
        .map(f -> unpack(f.getTypedConfig(), HttpConnectionManager.class).getRouteConfig()).toList();
    assertThat(inlined).extracting(RouteConfiguration::getName)
        .containsExactlyInAnyOrderElementsOf(edge.routes().stream().map(RouteConfiguration::getName).toList());
    for (RouteConfiguration route : edge.routes()) {
      assertThat(inlined.stream().filter(r -> r.getName().equals(route.getName())).findFirst().orElseThrow()
          .getVirtualHostsList()).extracting(v -> v.getRoutesCount())
          .containsExactlyElementsOf(route.getVirtualHostsList().stream().map(v -> v.getRoutesCount()).toList());
    }

    Map<String, Cluster> clusters =
        resources.getClustersList().stream().collect(Collectors.toMap(Cluster::getName, Function.identity()));
    for (Cluster cluster : edge.clusters()) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        Cluster rendered = clusters.get(cluster.getName());
        ClusterLoadAssignment pushed = edge.endpoints().stream()
            .filter(e -> e.getClusterName().equals(cluster.getEdsClusterConfig().getServiceName())).findFirst()
            .orElseThrow();
        assertThat(rendered.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
        assertThat(rendered.hasEdsClusterConfig()).isFalse();
        assertThat(rendered.getLoadAssignment().getEndpointsList()).isEqualTo(pushed.getEndpointsList());
      }
    }

    List<String> leftToDiscover = new ArrayList<>();
    List<String> sdsNames = new ArrayList<>();
    walk(bootstrap, "", leftToDiscover, sdsNames);
    assertThat(leftToDiscover).as("config sources, RDS or EDS left in the bootstrap").isEmpty();
    assertThat(resources.getSecretsList()).extracting(Secret::getName).containsAll(sdsNames);
  }

  @ParameterizedTest
  @MethodSource("policyDirs")
  void passesTheVerifyStagesRuleWalk(Path dir) {
    Bootstrap bootstrap = StaticBootstrap.render(compiled(dir).resources());

    assertThat(EnvoyRules.violations(bootstrap)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("policyDirs")
  void secretsAreThoseOfThePolicyFiles(Path dir) throws IOException {
    PolicyCompiler.Compiled compiled = compiled(dir);
    Bootstrap bootstrap = StaticBootstrap.render(compiled.resources());

    for (var provider : compiled.bundle().providers()) {
      if (provider.credentials().isPresent()) {
        Secret secret = bootstrap.getStaticResources().getSecretsList().stream()
            .filter(s -> s.getName().equals(Names.credentialSecret(provider.name()))).findFirst().orElseThrow();
        // The secret file's content, read by the loader, after the policy's prefix.
        Provider.Credentials credentials = provider.credentials().get();
        assertThat(secret.getGenericSecret().getSecret().getInlineString())
            .isEqualTo(credentials.prefix() + credentials.secret().reveal());
      }
    }
  }

  private static PolicyCompiler.Compiled compiled(Path dir) {
    PolicyCompiler.Result result = PolicyCompiler.compile(dir);
    assertThat(result).as(result.toString()).isInstanceOf(PolicyCompiler.Compiled.class);
    return (PolicyCompiler.Compiled) result;
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Every ConfigSource (ADS, RDS, EDS, SDS) anywhere in the tree, Anys unpacked; the SDS names referenced. */
  private static void walk(Message message, String path, List<String> sources, List<String> sdsNames) {
    if (message instanceof ConfigSource) {
      sources.add(path);
      return;
    }
    if (message instanceof SdsSecretConfig sds) {
      sdsNames.add(sds.getName());
    }
    if (message instanceof HttpConnectionManager hcm && hcm.hasRds()) {
      sources.add(path + ".rds");
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      Object value = field.getValue();
      for (Object item : value instanceof List<?> list ? list : List.of(value)) {
        Message nested = item instanceof Any any ? EnvoyTypes.unpack(any).orElseThrow() : (Message) item;
        walk(nested, path + "." + field.getKey().getName(), sources, sdsNames);
      }
    }
  }
}
