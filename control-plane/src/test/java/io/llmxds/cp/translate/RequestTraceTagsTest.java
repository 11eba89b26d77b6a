package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.llmxds.cp.policy.ConfigVersion;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTraceTagsTest {

  private final PolicyBundle bundle = Bundles.example();
  private final EnvoyResources resources = Translator.translate(bundle);
  private final RouteConfiguration routes = resources.routes().get(0);

  @Test
  void everyRouteCarriesItsOwnVersionAndItsModelRouteInMetadataAndAResponseHeader() {
    for (Route route : Unpack.routes(routes)) {
      Struct tags = route.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE);
      String version = tags.getFieldsOrThrow("route_version").getStringValue();
      assertThat(version).as(route.getName()).matches("[0-9a-f]{16}");
      assertThat(RequestTraceTags.versionOf(route)).isEqualTo(version);
      assertThat(tags.getFieldsOrThrow("model_route").getStringValue()).as(route.getName()).isEqualTo(route.getName());
      assertThat(route.getResponseHeadersToAddList()).filteredOn(h -> h.getHeader().getKey()
          .equals(Names.ROUTE_VERSION_HEADER)).singleElement().satisfies(h -> assertThat(h.getHeader().getValue())
          .isEqualTo(version));
    }
    assertThat(Unpack.routes(routes)).extracting(RequestTraceTags::versionOf).doesNotHaveDuplicates();
    assertThat(routes.getResponseHeadersToAddList()).as("nothing per RouteConfiguration: it would change with "
        + "every config version").isEmpty();
  }

  @Test
  void theListenerTagsSpansFromRouteMetadataWithoutATracerOfItsOwn() {
    HttpConnectionManager.Tracing tracing = Unpack.hcm(resources.listeners().get(0)).getTracing();
    assertThat(tracing.hasProvider()).as("the bootstrap's tracer is used").isFalse();
    assertThat(tracing.getCustomTagsList()).extracting(CustomTag::getTag)
        .containsExactly(Names.ROUTE_VERSION_TAG, Names.MODEL_ROUTE_TAG);
    CustomTag.Metadata version = tracing.getCustomTags(0).getMetadata();
    assertThat(version.getKind().hasRoute()).isTrue();
    assertThat(version.getMetadataKey().getKey()).isEqualTo(Names.ROUTE_METADATA_NAMESPACE);
    assertThat(version.getMetadataKey().getPathList()).extracting(p -> p.getKey()).containsExactly("route_version");
  }

  /** Envoy skips a RouteConfiguration whose hash is unchanged, and so keeps every rate-limit bucket. */
  @Test
  void aChangeThatAltersNoRouteLeavesTheRouteConfigurationByteIdentical() {
    Provider slow = bundle.providers().get(0);
    Provider changed = new Provider(slow.name(), slow.host(), slow.port(), slow.tls(), slow.sni(),
        slow.caCertificates(), slow.pathPrefix(), Duration.ofSeconds(17), slow.loadBalancing(), slow.credentials(), Provider.Api.OPENAI);
    PolicyBundle other = new PolicyBundle(bundle.gateway(),
        java.util.stream.Stream.concat(java.util.stream.Stream.of(changed), bundle.providers().stream().skip(1))
            .toList(),
        bundle.modelRoutes(), bundle.rateLimits(), bundle.contextPolicies());
    assertThat(ConfigVersion.of(other)).isNotEqualTo(ConfigVersion.of(bundle));
    EnvoyResources translated = Translator.translate(other);
    assertThat(translated.clusters()).isNotEqualTo(resources.clusters());
    assertThat(translated.routes().get(0).toByteString()).isEqualTo(routes.toByteString());
    assertThat(translated.listeners()).isEqualTo(resources.listeners());
  }

  @Test
  void aRotatedSecretChangesTheSecretAndNoRoute() {
    Provider openai = Bundles.openai();
    Provider rotated = new Provider(openai.name(), openai.host(), openai.port(), openai.tls(), openai.sni(),
        openai.caCertificates(), openai.pathPrefix(), openai.connectTimeout(), openai.loadBalancing(),
        openai.credentials().map(c -> new Provider.Credentials(c.header(), c.prefix(), c.secretFile(),
            new io.llmxds.cp.policy.SecretValue("sk-rotated"))), Provider.Api.OPENAI);
    PolicyBundle other = new PolicyBundle(bundle.gateway(), bundle.providers().stream()
        .map(p -> p.name().equals("openai") ? rotated : p).toList(),
        bundle.modelRoutes(), bundle.rateLimits(), bundle.contextPolicies());
    EnvoyResources translated = Translator.translate(other);
    assertThat(translated.secrets()).isNotEqualTo(resources.secrets());
    assertThat(translated.routes().get(0).toByteString()).isEqualTo(routes.toByteString());
  }

  @Test
  void aChangeToOneRouteChangesOnlyThatRoutesVersion() {
    PolicyBundle withoutLimits = new PolicyBundle(bundle.gateway(), bundle.providers(), bundle.modelRoutes(),
        List.of(), bundle.contextPolicies());
    List<Route> before = Unpack.routes(routes);
    List<Route> after = Unpack.routes(Translator.translate(withoutLimits).routes().get(0));
    assertThat(after.get(0)).as("the model list").isEqualTo(before.get(0));
    assertThat(RequestTraceTags.versionOf(after.get(1))).as("chat lost its rate limit")
        .isNotEqualTo(RequestTraceTags.versionOf(before.get(1)));
    assertThat(after.subList(2, after.size())).as("gpt-4o and the catch-all").isEqualTo(before.subList(2, before.size()));
  }
}
