package io.llmxds.cp.translate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKind;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Tags every Envoy request span, and every routed response, with the version of the route that served it: a hash of
 * that route's own content, not of the whole bundle. A change that alters no route leaves the RouteConfiguration
 * byte-identical, so Envoy does not rebuild it (route_config_update_receiver_impl.cc:55-56) and keeps every
 * local_ratelimit bucket (local_ratelimit/config.cc:27-30; docs/envoy-semantics.md). The control plane maps a route
 * version back to the config version and reload that introduced it ({@code GET /route_versions/<version>}).
 */
public final class RequestTraceTags {

  static final String ROUTE_VERSION_KEY = "route_version";
  static final String MODEL_ROUTE_KEY = "model_route";

  private RequestTraceTags() {}

  /**
   * Tracing on, with the two tags and no provider of its own: Envoy uses the bootstrap's tracer (and traces nothing
   * without one).
   */
  static HttpConnectionManager.Tracing hcmTracing() {
    return HttpConnectionManager.Tracing.newBuilder()
        .addCustomTags(routeMetadataTag(Names.ROUTE_VERSION_TAG, ROUTE_VERSION_KEY))
        .addCustomTags(routeMetadataTag(Names.MODEL_ROUTE_TAG, MODEL_ROUTE_KEY))
        .build();
  }

  /** The metadata every route starts with: the model route it belongs to (plus what features add). */
  static Struct.Builder routeMetadata(String modelRoute) {
    return Struct.newBuilder().putFields(MODEL_ROUTE_KEY, string(modelRoute));
  }

  /**
   * {@code route} with its version: in its metadata (for the span tag) and as the response header {@link
   * Names#ROUTE_VERSION_HEADER}. The version is 16 hex digits of SHA-256 over the route's deterministic encoding
   * before either is added, so it changes exactly when the route's content does.
   */
  static Route versioned(Route.Builder route, Struct.Builder metadata) {
    route.setMetadata(Metadata.newBuilder().putFilterMetadata(Names.ROUTE_METADATA_NAMESPACE, metadata.build()));
    String version = version(route.build());
    metadata.putFields(ROUTE_VERSION_KEY, string(version));
    return route
        .setMetadata(Metadata.newBuilder().putFilterMetadata(Names.ROUTE_METADATA_NAMESPACE, metadata.build()))
        .addResponseHeadersToAdd(ProtoValues.overwriteHeader(Names.ROUTE_VERSION_HEADER, version))
        .build();
  }

  /** The version {@link #versioned} gave a route (empty for a route that has none). */
  public static String versionOf(Route route) {
    Struct metadata = route.getMetadata().getFilterMetadataMap().get(Names.ROUTE_METADATA_NAMESPACE);
    return metadata == null ? "" : metadata.getFieldsOrDefault(ROUTE_VERSION_KEY, Value.getDefaultInstance())
        .getStringValue();
  }

  private static String version(Route route) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(route.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      // Map entries (per-filter configs, metadata fields) in key order, whatever order they were added in.
      out.useDeterministicSerialization();
      route.writeTo(out);
      out.flush();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
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
