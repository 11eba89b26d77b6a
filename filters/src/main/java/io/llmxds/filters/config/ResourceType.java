package io.llmxds.filters.config;

import java.util.Arrays;
import java.util.Optional;

/** The xDS types the context service subscribes to (docs/data-path-config.md "Why CDS, RDS and SDS"). */
public enum ResourceType {
  CDS("type.googleapis.com/envoy.config.cluster.v3.Cluster"),
  RDS("type.googleapis.com/envoy.config.route.v3.RouteConfiguration"),
  SDS("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");

  private final String typeUrl;

  ResourceType(String typeUrl) {
    this.typeUrl = typeUrl;
  }

  public String typeUrl() {
    return typeUrl;
  }

  static Optional<ResourceType> of(String typeUrl) {
    return Arrays.stream(values()).filter(type -> type.typeUrl.equals(typeUrl)).findFirst();
  }
}
