package io.llmxds.filters.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.store.RedisContextStore;
import io.llmxds.filters.store.StoreSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CDS as the data path reads it: one Cluster per context store (docs/data-path-config.md "CDS: the stores"). */
final class StoreClusters {
  static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  /** Envoy's default {@code connect_timeout}. */
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** A store as its Cluster declares it; its password, if any, is in the SDS Secret it names. */
  record Declared(StoreSpec spec, Optional<String> passwordSecret) {}

  private StoreClusters() {}

  /** The stores by name. */
  static Map<String, Declared> decode(List<Any> resources) throws ConfigException {
    Map<String, Declared> stores = new LinkedHashMap<>();
    for (Any any : resources) {
      Declared store = declared(XdsResources.unpack(any, Cluster.class));
      if (stores.put(store.spec().name(), store) != null) {
        throw new ConfigException("Cluster " + DataPathConfig.storeCluster(store.spec().name()) + " appears twice");
      }
    }
    return stores;
  }

  private static Declared declared(Cluster cluster) throws ConfigException {
    String resource = "Cluster " + cluster.getName();
    String name = XdsResources.storeName(cluster.getName(), resource);
    MetadataFields fields = MetadataFields.of(cluster.getMetadata(), DataPathConfig.STORE_METADATA, resource);
    String wire = fields.string(DataPathConfig.STORE_TYPE);
    StoreSpec.Type type = Arrays.stream(StoreSpec.Type.values()).filter(t -> t.wire().equals(wire)).findFirst()
        .orElseThrow(() -> new ConfigException(resource + ": unknown store type '" + wire + "'"));
    if (type == StoreSpec.Type.MEMORY) {
      return new Declared(BuiltInDefault.memorySpec(name), Optional.empty());
    }
    List<StoreSpec.Address> addresses = addresses(cluster, resource);
    if (type == StoreSpec.Type.REDIS && addresses.size() != 1) {
      throw new ConfigException(resource + ": a redis store has one address, not " + addresses.size());
    }
    StoreSpec spec = new StoreSpec(name, type, addresses,
        (int) fields.number(DataPathConfig.STORE_DATABASE, 0, Integer.MAX_VALUE, 0),
        cluster.hasTransportSocket() ? Optional.of(tls(cluster.getTransportSocket(), resource)) : Optional.empty(),
        fields.optionalString(DataPathConfig.STORE_USERNAME), Optional.empty(),
        cluster.hasConnectTimeout() ? XdsResources.duration(cluster.getConnectTimeout()) : DEFAULT_CONNECT_TIMEOUT,
        Duration.ofMillis(fields.number(DataPathConfig.STORE_COMMAND_TIMEOUT_MS, 1, 3_600_000,
            RedisContextStore.DEFAULT_COMMAND_TIMEOUT.toMillis())),
        (int) fields.number(DataPathConfig.STORE_POOL_SIZE, 1, 1024, 1));
    return new Declared(spec, fields.optionalString(DataPathConfig.STORE_PASSWORD_SECRET));
  }

  private static List<StoreSpec.Address> addresses(Cluster cluster, String resource) throws ConfigException {
    if (cluster.getType() != Cluster.DiscoveryType.STATIC && cluster.getType() != Cluster.DiscoveryType.STRICT_DNS) {
      throw new ConfigException(resource + ": type must be STATIC or STRICT_DNS, not " + cluster.getType());
    }
    List<StoreSpec.Address> addresses = new ArrayList<>();
    for (LocalityLbEndpoints locality : cluster.getLoadAssignment().getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        SocketAddress socket = endpoint.getEndpoint().getAddress().getSocketAddress();
        if (socket.getAddress().isEmpty() || socket.getPortValue() == 0) {
          throw new ConfigException(resource + ": every endpoint is a socket address with a port");
        }
        addresses.add(new StoreSpec.Address(socket.getAddress(), socket.getPortValue()));
      }
    }
    if (addresses.isEmpty()) {
      throw new ConfigException(resource + ": no endpoints");
    }
    return addresses;
  }

  /** {@code UpstreamTlsContext}: SNI, and the inline CA to trust or the system's ({@code system_root_certs}). */
  private static StoreSpec.Tls tls(TransportSocket socket, String resource) throws ConfigException {
    if (!socket.getName().equals(TLS_TRANSPORT_SOCKET) || !socket.getTypedConfig().is(UpstreamTlsContext.class)) {
      throw new ConfigException(resource + ": the transport socket must be " + TLS_TRANSPORT_SOCKET
          + " with an UpstreamTlsContext");
    }
    UpstreamTlsContext tls;
    try {
      tls = socket.getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(resource + ": malformed UpstreamTlsContext");
    }
    CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
    if (validation.getTrustedCa().hasInlineString()) {
      return new StoreSpec.Tls(tls.getSni(), Optional.of(validation.getTrustedCa().getInlineString()));
    }
    if (validation.hasSystemRootCerts()) {
      return new StoreSpec.Tls(tls.getSni(), Optional.empty());
    }
    throw new ConfigException(resource + ": TLS needs validation_context.trusted_ca.inline_string or "
        + "system_root_certs");
  }
}
