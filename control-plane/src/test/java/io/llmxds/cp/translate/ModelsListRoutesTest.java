package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.verify.load.EnvoyLoadChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models} answered by Envoy: every model of the config, or a consumer's, before the model routes. */
class ModelsListRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicyBundle WITH_CONSUMERS =
      ((LoadResult.Loaded) PolicyLoader.load(Path.of("src/test/resources/golden/in/consumers"))).bundle();

  private static RouteConfiguration routes(PolicyBundle bundle) {
    return RouteTranslator.translate(bundle, HttpFilters.ORDERED);
  }

  @Test
  void anAnonymousGatewayListsEveryModelNameAndAliasInOpenAisFormat() throws Exception {
    Route list = Unpack.routes(routes(Bundles.example())).get(0);
    assertThat(list.getName()).isEqualTo(Names.LIST_MODELS_ROUTE);
    assertThat(list.getMatch().getPath()).isEqualTo("/v1/models");
    assertThat(list.getMatch().getHeadersList()).hasSize(1);
    assertThat(list.getMatch().getHeaders(0).getName()).isEqualTo(":method");
    assertThat(list.getMatch().getHeaders(0).getStringMatch().getExact()).isEqualTo("GET");
    assertThat(list.getDirectResponse().getStatus()).isEqualTo(200);
    assertThat(list.getResponseHeadersToAddList()).anySatisfy(h -> {
      assertThat(h.getHeader().getKey()).isEqualTo("content-type");
      assertThat(h.getHeader().getValue()).isEqualTo("application/json");
    });
    assertThat(list.getDirectResponse().getBody().getInlineString()).isEqualTo("{\"object\":\"list\",\"data\":["
        + "{\"id\":\"chat\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock-a\"},"
        + "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":0,\"owned_by\":\"openai\"},"
        + "{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock-a\"}]}");
  }

  @Test
  void withConsumersEachConsumerHasItsOwnListMatchedOnTheConsumerHeader() throws Exception {
    List<Route> lists = Unpack.routes(routes(WITH_CONSUMERS)).stream()
        .filter(r -> r.getName().startsWith(Names.LIST_MODELS_ROUTE)).toList();
    assertThat(lists).extracting(Route::getName)
        .containsExactly("list-models/alice", "list-models/bob", "list-models/carol");
    assertThat(lists).allSatisfy(r -> assertThat(r.getMatch().getHeadersList())
        .anySatisfy(h -> assertThat(h.getName()).isEqualTo(GatewayIdentity.CONSUMER_HEADER)));
    assertThat(lists.get(0).getMatch().getHeadersList())
        .anySatisfy(h -> assertThat(h.getStringMatch().getExact()).isEqualTo("alice"));
    assertThat(ids(lists.get(0))).as("alice: chat only").containsExactly("large", "small");
    assertThat(ids(lists.get(1))).as("bob: every route").containsExactly("embed", "large", "small");
    assertThat(ids(lists.get(2))).as("carol: embed only").containsExactly("embed");
    assertThat(Unpack.routes(routes(WITH_CONSUMERS))).extracting(Route::getName)
        .as("no list for a request without a consumer").doesNotContain(Names.LIST_MODELS_ROUTE);
  }

  @Test
  void theSameConfigGivesByteIdenticalRoutes() {
    assertThat(routes(WITH_CONSUMERS).toByteString()).isEqualTo(routes(WITH_CONSUMERS).toByteString());
    assertThat(routes(Bundles.example()).hasMaxDirectResponseBodySizeBytes()).as("short lists keep the default")
        .isFalse();
  }

  /** Envoy refuses a direct-response body over the route configuration's limit, 4096 bytes by default. */
  @Test
  void aLongListRaisesTheDirectResponseLimitAndPassesEnvoysLoadChecks() throws Exception {
    PolicyBundle example = Bundles.example();
    List<ModelRoute> many = new ArrayList<>(example.modelRoutes());
    ModelRoute chat = Bundles.chat();
    many.set(0, new ModelRoute(chat.name(), IntStream.range(0, 200).mapToObj(i -> "model-with-a-long-name-" + i)
        .toList(), chat.backends(), chat.fallbacks(), chat.retry(), chat.timeout(), chat.contextPolicy()));
    PolicyBundle big = new PolicyBundle(example.gateway(), example.providers(), many, example.rateLimits(),
        example.contextPolicies());
    RouteConfiguration config = routes(big);
    int size = Unpack.routes(config).get(0).getDirectResponse().getBody().getInlineString().length();
    assertThat(size).isGreaterThan(ModelsListRoutes.ENVOY_DEFAULT_MAX_BODY);
    assertThat(config.getMaxDirectResponseBodySizeBytes().getValue()).isEqualTo(size);
    assertThat(ids(Unpack.routes(config).get(0))).hasSize(201);
    assertThat(EnvoyLoadChecks.check(Translator.translate(big))).isEmpty();
  }

  private static List<String> ids(Route list) throws Exception {
    JsonNode body = JSON.readTree(list.getDirectResponse().getBody().getInlineString());
    List<String> ids = new ArrayList<>();
    body.get("data").forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }
}
