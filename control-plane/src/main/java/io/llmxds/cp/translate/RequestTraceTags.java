package io.llmxds.cp.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKind;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;

/**
 * Tags every Envoy request span with the config version (and model route) that served it. The version lives in each
 * route's metadata, and the HCM's custom tags read it from the matched route: the listener stays the same across
 * versions (no LDS push, no listener drain), and only RDS changes with every version.
 */
final class RequestTraceTags {

  static final String CONFIG_VERSION_KEY = "config_version";
  static final String MODEL_ROUTE_KEY = "model_route";

  private RequestTraceTags() {}

  /**
   * Tracing on, with the two tags and no provider of its own: Envoy uses the bootstrap's tracer (and traces nothing
   * without one).
   */
  static HttpConnectionManager.Tracing hcmTracing() {
    return HttpConnectionManager.Tracing.newBuilder()
        .addCustomTags(routeMetadataTag(Names.CONFIG_VERSION_TAG, CONFIG_VERSION_KEY))
        .addCustomTags(routeMetadataTag(Names.MODEL_ROUTE_TAG, MODEL_ROUTE_KEY))
        .build();
  }

  /** The metadata of one route: which config version built it and which model route it belongs to. */
  static Metadata routeMetadata(String configVersion, String modelRoute) {
    Struct values = Struct.newBuilder()
        .putFields(CONFIG_VERSION_KEY, Value.newBuilder().setStringValue(configVersion).build())
        .putFields(MODEL_ROUTE_KEY, Value.newBuilder().setStringValue(modelRoute).build())
        .build();
    return Metadata.newBuilder().putFilterMetadata(Names.ROUTE_METADATA_NAMESPACE, values).build();
  }

  private static CustomTag routeMetadataTag(String tag, String key) {
    return CustomTag.newBuilder()
        .setTag(tag)
        .setMetadata(CustomTag.Metadata.newBuilder()
            .setKind(MetadataKind.newBuilder().setRoute(MetadataKind.Route.getDefaultInstance()))
            .setMetadataKey(MetadataKey.newBuilder()
                .setKey(Names.ROUTE_METADATA_NAMESPACE)
                .addPath(MetadataKey.PathSegment.newBuilder().setKey(key))))
        .build();
  }
}
