package io.llmxds.cp.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.Consumer;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * {@code GET /v1/models}, answered by Envoy itself in OpenAI's list format: a {@code direct_response} route listing
 * every model name and alias of the ModelRoutes. With Consumers there is one route per consumer, matched on the
 * consumer header that ext_authz sets (the route is re-picked after it, I2), listing only the models of the routes it
 * may call; a request without a consumer never gets a list (ext_authz refuses it first). Nothing in a body depends on
 * time ({@code created} is 0), so a change that alters no ModelRoute or Consumer leaves these routes byte-identical.
 */
final class ModelsListRoutes {

  static final String PATH = RouteTranslator.OPENAI_PREFIX + "/models";
  /** {@code max_direct_response_body_size_bytes} when unset (source/common/router/config_impl.cc:123). */
  static final int ENVOY_DEFAULT_MAX_BODY = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelsListRoutes() {}

  /** The routes, in consumer name order; each is placed before the model routes (R1: the first match wins). */
  static List<Route.Builder> of(PolicyBundle bundle) {
    if (!bundle.authenticates()) {
      return List.of(route(Names.LIST_MODELS_ROUTE, match(), body(bundle.modelRoutes(), r -> true)));
    }
    List<Route.Builder> routes = new ArrayList<>();
    bundle.consumers().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(consumer -> routes.add(route(Names.listModelsRoute(consumer.name()),
            match().addHeaders(exact(GatewayIdentity.CONSUMER_HEADER, consumer.name())),
            body(bundle.modelRoutes(), mayCall(consumer)))));
    return routes;
  }

  /**
   * The route configuration's limit for direct-response bodies when one of {@code routes} exceeds Envoy's default:
   * a longer inline body is refused when the route is built (source/common/router/config_impl.cc:638-645,
   * source/common/config/datasource.cc:121-128), i.e. the whole RouteConfiguration is NACKed. 0 = keep the default.
   */
  static int maxBodySize(List<Route> routes) {
    int largest = routes.stream()
        .filter(Route::hasDirectResponse)
        .mapToInt(r -> r.getDirectResponse().getBody().getInlineString().getBytes(StandardCharsets.UTF_8).length)
        .max().orElse(0);
    return largest > ENVOY_DEFAULT_MAX_BODY ? largest : 0;
  }

  private static Predicate<ModelRoute> mayCall(Consumer consumer) {
    return route -> consumer.modelRoutes().map(allowed -> allowed.contains(route.name())).orElse(true);
  }

  private static RouteMatch.Builder match() {
    return RouteMatch.newBuilder().setPath(PATH).addHeaders(exact(":method", "GET"));
  }

  private static HeaderMatcher exact(String name, String value) {
    return HeaderMatcher.newBuilder().setName(name).setStringMatch(StringMatcher.newBuilder().setExact(value)).build();
  }

  private static Route.Builder route(String name, RouteMatch.Builder match, String body) {
    return Route.newBuilder()
        .setName(name)
        .setMatch(match)
        .setDirectResponse(DirectResponseAction.newBuilder()
            .setStatus(200)
            .setBody(DataSource.newBuilder().setInlineString(body)))
        .addResponseHeadersToAdd(ProtoValues.overwriteHeader("content-type", "application/json"));
  }

  /**
   * {@code {"object":"list","data":[{"id","object":"model","created":0,"owned_by"}]}} in model name order;
   * {@code owned_by} is the provider of the route's first backend.
   */
  static String body(List<ModelRoute> modelRoutes, Predicate<ModelRoute> listed) {
    Map<String, String> owners = new TreeMap<>();
    modelRoutes.stream().filter(listed).forEach(route -> {
      route.models().forEach(model -> owners.put(model, route.backends().get(0).provider()));
    });
    ObjectNode list = JSON.createObjectNode().put("object", "list");
    ArrayNode data = list.putArray("data");
    owners.forEach((id, owner) -> data.addObject()
        .put("id", id).put("object", "model").put("created", 0).put("owned_by", owner));
    try {
      return JSON.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
