package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.Consumer;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identity on the edge and in the context-service flavor: reserved headers removed on every gateway, ext_authz
 * first and fail-closed only where Consumers exist, and the consumer table the data-path service authenticates from.
 */
class IdentityTranslationTest {

  private static final PolicyBundle WITH_CONSUMERS =
      ((LoadResult.Loaded) PolicyLoader.load(Path.of("src/test/resources/golden/in/consumers"))).bundle();

  @Test
  void everyGatewayRemovesTheReservedHeadersBeforeAnythingReadsThem() {
    for (PolicyBundle bundle : List.of(Bundles.example(), WITH_CONSUMERS)) {
      HttpConnectionManager hcm = hcm(bundle);
      assertThat(hcm.getEarlyHeaderMutationExtensionsList()).hasSize(1);
      assertThat(hcm.getEarlyHeaderMutationExtensions(0).getName()).isEqualTo(Names.EARLY_HEADER_MUTATION);
      HeaderMutation removal =
          Unpack.any(hcm.getEarlyHeaderMutationExtensions(0).getTypedConfig(), HeaderMutation.class);
      assertThat(removal.getMutationsList()).extracting(m -> m.getRemove())
          .containsExactlyElementsOf(GatewayIdentity.RESERVED_REQUEST_HEADERS)
          .contains(GatewayIdentity.CONSUMER_HEADER, GatewayIdentity.TIER_HEADER, Names.MODEL_HEADER);
    }
  }

  @Test
  void anAnonymousGatewayHasNoAuthenticationAndNoItsErrorReply() {
    HttpConnectionManager hcm = hcm(Bundles.example());
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly(Names.EXT_PROC_FILTER, Names.LOCAL_RATELIMIT_FILTER, Names.ROUTER_FILTER);
    assertThat(hcm.getLocalReplyConfig().getMappersList()).hasSize(1);
  }

  @Test
  void withConsumersExtAuthzRunsFirstOnTheContextServiceAndFailsClosed() {
    HttpConnectionManager hcm = hcm(WITH_CONSUMERS);
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName).containsExactly(Names.EXT_AUTHZ_FILTER,
        Names.EXT_PROC_FILTER, Names.LOCAL_RATELIMIT_FILTER, Names.ROUTER_FILTER);
    ExtAuthz authz = Unpack.any(hcm.getHttpFilters(0).getTypedConfig(), ExtAuthz.class);
    ExternalProcessor extProc = Unpack.any(hcm.getHttpFilters(1).getTypedConfig(), ExternalProcessor.class);
    assertThat(extProc.getFailureModeAllow()).as("the Gateway's failOpen is for context").isTrue();
    assertThat(authz.getFailureModeAllow()).as("authentication fails closed whatever failOpen says").isFalse();
    assertThat(authz.getStatusOnError().getCode()).isEqualTo(StatusCode.ServiceUnavailable);
    assertThat(authz.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo(Names.CONTEXT_SERVICE_CLUSTER);
    assertThat(authz.getGrpcService().getTimeout()).isEqualTo(extProc.getMessageTimeout());
    assertThat(authz.getTransportApiVersion()).isEqualTo(ApiVersion.V3);
    assertThat(authz.getClearRouteCache()).isTrue();
    assertThat(authz.getAllowedHeaders().getPatternsList()).extracting(StringMatcher::getExact)
        .containsExactlyElementsOf(GatewayIdentity.KEY_HEADERS);
    assertThat(authz.hasWithRequestBody()).as("the body never goes to the authenticator").isFalse();
  }

  @Test
  void theAuthenticatorsFailureIsAJson503AndItsDenialsAreLeftAlone() {
    List<ResponseMapper> mappers = hcm(WITH_CONSUMERS).getLocalReplyConfig().getMappersList();
    assertThat(mappers).hasSize(2);
    ResponseMapper unavailable = mappers.get(1);
    assertThat(unavailable.getFilter().getAndFilter().getFilters(0).getStatusCodeFilter().getComparison()
        .getValue().getDefaultValue()).isEqualTo(503);
    assertThat(unavailable.getFilter().getAndFilter().getFilters(1).getResponseFlagFilter().getFlagsList())
        .containsExactly("UAEX");
    Struct error = unavailable.getBodyFormatOverride().getJsonFormat().getFieldsOrThrow("error").getStructValue();
    assertThat(error.getFieldsOrThrow("message").getStringValue()).isEqualTo("authentication is unavailable");
    assertThat(error.getFieldsOrThrow("type").getStringValue()).isEqualTo("authentication_unavailable");
    assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("authentication_unavailable");
    for (ResponseMapper mapper : mappers) {
      String filter = mapper.getFilter().toString();
      assertThat(filter).doesNotContain("default_value: 401").doesNotContain("default_value: 403");
    }
  }

  @Test
  void theContextServiceGetsTheConsumerTableAndOneKeysSecretPerConsumer() {
    EnvoyResources resources = ContextServiceTranslator.translate(WITH_CONSUMERS);
    VirtualHost host = resources.routes().get(0).getVirtualHosts(0);
    Struct table = host.getMetadata().getFilterMetadataOrThrow(DataPathConfig.CONSUMERS_METADATA);
    assertThat(table.getFieldsMap().keySet()).containsExactlyInAnyOrder("alice", "bob", "carol");
    Struct alice = table.getFieldsOrThrow("alice").getStructValue();
    assertThat(alice.getFieldsOrThrow(DataPathConfig.CONSUMER_TIER).getStringValue()).isEqualTo("gold");
    assertThat(alice.getFieldsOrThrow(DataPathConfig.CONSUMER_MODEL_ROUTES).getListValue().getValuesList())
        .extracting(Value::getStringValue).containsExactly("chat");
    assertThat(alice.getFieldsOrThrow(DataPathConfig.CONSUMER_LABELS).getStructValue()
        .getFieldsOrThrow("team").getStringValue()).isEqualTo("search");
    assertThat(alice.getFieldsOrThrow(DataPathConfig.CONSUMER_KEYS_SECRET).getStringValue())
        .isEqualTo("consumer/alice/keys");
    Struct bob = table.getFieldsOrThrow("bob").getStructValue();
    assertThat(bob.getFieldsMap()).as("every route, no labels").doesNotContainKeys(
        DataPathConfig.CONSUMER_MODEL_ROUTES, DataPathConfig.CONSUMER_LABELS);
    assertThat(bob.getFieldsOrThrow(DataPathConfig.CONSUMER_TIER).getStringValue())
        .isEqualTo(GatewayIdentity.DEFAULT_TIER);

    Consumer consumer = WITH_CONSUMERS.consumers().get(0);
    Secret keys = resources.secrets().stream().filter(s -> s.getName().equals(DataPathConfig.keysSecret("alice")))
        .findFirst().orElseThrow();
    List<String> lines = List.of(keys.getGenericSecret().getSecret().getInlineString().split("\n"));
    assertThat(lines).isSorted().hasSize(2).containsExactlyInAnyOrderElementsOf(
        consumer.apiKeys().stream().map(k -> k.hash().reveal()).toList());
    assertThat(String.join("\n", lines)).doesNotContain("sk-golden");
  }

  @Test
  void everyModelRouteIsInTheTableAPolicylessOneOnTheMemoryStoreWithoutPolicy() {
    EnvoyResources resources = ContextServiceTranslator.translate(WITH_CONSUMERS);
    List<Route> routes = resources.routes().get(0).getVirtualHosts(0).getRoutesList();
    assertThat(routes).extracting(Route::getName).containsExactly("chat", "embed");
    Route embed = routes.get(1);
    assertThat(embed.getRoute().getCluster()).isEqualTo(DataPathConfig.storeCluster(DataPathConfig.BUILT_IN_MEMORY_STORE));
    assertThat(embed.getMetadata().getFilterMetadataMap()).doesNotContainKey(DataPathConfig.POLICY_METADATA);
    assertThat(routes.get(0).getMetadata().getFilterMetadataMap()).containsKey(DataPathConfig.POLICY_METADATA);
    assertThat(resources.clusters()).extracting(c -> c.getName())
        .contains(DataPathConfig.storeCluster(DataPathConfig.BUILT_IN_MEMORY_STORE));
  }

  @Test
  void anAnonymousGatewayServesNoConsumerTable() {
    EnvoyResources resources = ContextServiceTranslator.translate(Bundles.example());
    assertThat(resources.routes().get(0).getVirtualHosts(0).getMetadata().getFilterMetadataMap())
        .doesNotContainKey(DataPathConfig.CONSUMERS_METADATA);
    assertThat(resources.secrets()).extracting(Secret::getName).noneMatch(n -> n.startsWith("consumer/"));
  }

  private static HttpConnectionManager hcm(PolicyBundle bundle) {
    return Unpack.hcm(ListenerTranslator.translate(bundle, HttpFilters.ORDERED));
  }
}
