package io.llmxds.envoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code envoy/bootstrap.yaml} as the {@link Bootstrap} proto, and the copy a test runs: same file, only the
 * addresses moved onto the test's ports. Parsing is strict (an unknown field fails), so the file cannot drift from
 * Envoy's API without a test noticing.
 */
final class EnvoyBootstrap {

  /** The file users run (Maven runs tests with the module directory as working directory). */
  static final Path FILE = Path.of("bootstrap.yaml").toAbsolutePath();
  /** Its mutual-TLS variant: a client certificate on the xDS cluster. */
  static final Path TLS_FILE = Path.of("bootstrap-tls.yaml").toAbsolutePath();
  static final String XDS_CLUSTER = "xds_cluster";
  static final String COLLECTOR_CLUSTER = "opentelemetry_collector";

  /** Every type packed in an {@code Any} in the file. */
  static final TypeRegistry TYPES = TypeRegistry.newBuilder()
      .add(HttpProtocolOptions.getDescriptor())
      .add(OpenTelemetryConfig.getDescriptor())
      .add(UpstreamTlsContext.getDescriptor())
      .build();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private EnvoyBootstrap() {}

  static Bootstrap load() {
    return load(FILE);
  }

  static Bootstrap load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A bootstrap in YAML, parsed like Envoy does: proto field names, {@code Any} by {@code @type}, nothing unknown. */
  static Bootstrap parse(String yaml) throws IOException {
    String json = YAML.readTree(yaml).toString();
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, bootstrap);
    return bootstrap.build();
  }

  /**
   * The file's bootstrap for one test Envoy: its node id, admin on {@code admin}, and the control plane and the
   * collector at {@code host} (how Envoy reaches the test JVM) on the test's ports.
   */
  static Bootstrap forTest(String nodeId, SocketAddress admin, String host, int xdsPort, int collectorPort) {
    Bootstrap.Builder bootstrap = load().toBuilder();
    bootstrap.getNodeBuilder().setId(nodeId);
    bootstrap.getAdminBuilder().setAddress(Address.newBuilder().setSocketAddress(admin));
    for (Cluster.Builder cluster : bootstrap.getStaticResourcesBuilder().getClustersBuilderList()) {
      int port = switch (cluster.getName()) {
        case XDS_CLUSTER -> xdsPort;
        case COLLECTOR_CLUSTER -> collectorPort;
        default -> throw new IllegalStateException("unexpected static cluster " + cluster.getName());
      };
      LbEndpoint.Builder endpoint = cluster.getLoadAssignmentBuilder().getEndpointsBuilder(0).getLbEndpointsBuilder(0);
      endpoint.getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder().setAddress(host).setPortValue(port);
    }
    return bootstrap.build();
  }

  /** The JSON Envoy is started with ({@code -c file.json}). */
  static String json(Bootstrap bootstrap) {
    try {
      return JsonFormat.printer().usingTypeRegistry(TYPES).preservingProtoFieldNames().print(bootstrap);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
