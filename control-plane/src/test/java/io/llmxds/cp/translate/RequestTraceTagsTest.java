package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.llmxds.cp.policy.ConfigVersion;
import io.llmxds.cp.policy.PolicyBundle;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTraceTagsTest {

  private final PolicyBundle bundle = Bundles.example();
  private final EnvoyResources resources = Translator.translate(bundle);
  private final RouteConfiguration routes = resources.routes().get(0);

  @Test
  void everyRouteCarriesTheBundlesConfigVersionAndItsModelRoute() {
    String version = ConfigVersion.of(bundle);
    for (Route route : Unpack.routes(routes)) {
      Struct tags = route.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE);
      assertThat(tags.getFieldsOrThrow("config_version").getStringValue()).as(route.getName()).isEqualTo(version);
      String modelRoute = route.getName().equals(Names.UNKNOWN_MODEL_ROUTE)
          ? Names.UNKNOWN_MODEL_ROUTE
          : route.getName().substring(0, route.getName().indexOf('/'));
      assertThat(tags.getFieldsOrThrow("model_route").getStringValue()).as(route.getName()).isEqualTo(modelRoute);
    }
  }

  @Test
  void everyRoutedResponseCarriesTheConfigVersionHeader() {
    assertThat(routes.getResponseHeadersToAddList()).extracting(HeaderValueOption::getHeader)
        .singleElement()
        .satisfies(h -> {
          assertThat(h.getKey()).isEqualTo(Names.CONFIG_VERSION_HEADER);
          assertThat(h.getValue()).isEqualTo(ConfigVersion.of(bundle));
        });
  }

  @Test
  void theListenerTagsSpansFromRouteMetadataWithoutATracerOfItsOwn() {
    HttpConnectionManager.Tracing tracing = Unpack.hcm(resources.listeners().get(0)).getTracing();
    assertThat(tracing.hasProvider()).as("the bootstrap's tracer is used").isFalse();
    assertThat(tracing.getCustomTagsList()).extracting(CustomTag::getTag)
        .containsExactly(Names.CONFIG_VERSION_TAG, Names.MODEL_ROUTE_TAG);
    CustomTag.Metadata version = tracing.getCustomTags(0).getMetadata();
    assertThat(version.getKind().hasRoute()).isTrue();
    assertThat(version.getMetadataKey().getKey()).isEqualTo(Names.ROUTE_METADATA_NAMESPACE);
    assertThat(version.getMetadataKey().getPathList()).extracting(p -> p.getKey()).containsExactly("config_version");
  }

  @Test
  void anotherVersionChangesTheRoutesButNotTheListener() {
    PolicyBundle changed = new PolicyBundle(bundle.gateway(), bundle.providers(), bundle.modelRoutes(), List.of(),
        bundle.contextPolicies());
    EnvoyResources other = Translator.translate(changed);
    assertThat(ConfigVersion.of(changed)).isNotEqualTo(ConfigVersion.of(bundle));
    assertThat(other.listeners()).isEqualTo(resources.listeners());
    assertThat(other.routes().get(0).getResponseHeadersToAdd(0).getHeader().getValue())
        .isEqualTo(ConfigVersion.of(changed));
  }
}
