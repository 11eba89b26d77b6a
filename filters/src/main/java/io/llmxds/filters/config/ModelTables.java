package io.llmxds.filters.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.DataPathConfig;
import io.llmxds.filters.context.RequestPolicy;
import io.llmxds.filters.context.RequestPolicy.FailureMode;
import io.llmxds.filters.context.RequestPolicy.MigrationSource;
import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * RDS as the data path reads it: the model → context policy table, the consumer table (docs/data-path-config.md
 * "RDS") and the global rate limits (docs/global-rate-limits.md).
 */
final class ModelTables {
  private static final String STRICT = "strict";
  private static final String MIGRATION = "v1_v2_migration";
  private static final String TABLE = "RouteConfiguration " + DataPathConfig.ROUTE_CONFIGURATION;

  private ModelTables() {}

  static ModelTable decode(List<Any> resources) throws ConfigException {
    RouteConfiguration table = null;
    for (Any any : resources) {
      RouteConfiguration config = XdsResources.unpack(any, RouteConfiguration.class);
      if (config.getName().equals(DataPathConfig.ROUTE_CONFIGURATION)) {
        table = config;
      }
    }
    if (table == null) {
      throw new ConfigException("no " + TABLE + " in the response");
    }
    VirtualHost host = table.getVirtualHostsList().stream()
        .filter(h -> h.getName().equals(DataPathConfig.VIRTUAL_HOST)).findFirst()
        .orElseThrow(() -> new ConfigException(TABLE + ": no virtual host " + DataPathConfig.VIRTUAL_HOST));
    MetadataFields fields = MetadataFields.of(host.getMetadata(), DataPathConfig.TABLE_METADATA,
        TABLE + " virtual host " + DataPathConfig.VIRTUAL_HOST);
    String config = fields.string(DataPathConfig.TABLE_CONFIG_VERSION);
    List<TableRoute> routes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Route route : host.getRoutesList()) {
      String resource = TABLE + " route " + route.getName();
      if (route.getName().isEmpty() || !names.add(route.getName())) {
        throw new ConfigException(resource + ": every route is named by its ModelRoute, once");
      }
      // A ModelRoute without a context policy has a route too: the consumers' access applies to it.
      Optional<RequestPolicy> policy = route.getMetadata().containsFilterMetadata(DataPathConfig.POLICY_METADATA)
          ? Optional.of(policy(config, route, resource)) : Optional.empty();
      List<String> apis = route.getMetadata().containsFilterMetadata(DataPathConfig.ROUTE_METADATA)
          ? MetadataFields.of(route.getMetadata(), DataPathConfig.ROUTE_METADATA, resource)
              .optionalStrings(DataPathConfig.ROUTE_PROVIDER_APIS).orElse(TableRoute.DEFAULT_PROVIDER_APIS)
          : TableRoute.DEFAULT_PROVIDER_APIS;
      routes.add(new TableRoute(route.getName(), matcher(route, resource), policy, apis));
    }
    String where = TABLE + " virtual host " + DataPathConfig.VIRTUAL_HOST;
    return new ModelTable(config,
        fields.number(DataPathConfig.TABLE_MAX_BODY_BYTES, 1, ContextPolicyMetadata.MAX_BUFFERED_BODY_BYTES),
        routes, ConsumerMetadata.decode(host.getMetadata(), where, names),
        LimitMetadata.decode(host.getMetadata(), where, names));
  }

  /** The route's one header matcher, on the model header: {@code exact} or {@code safe_regex}, case-sensitive. */
  private static ModelMatcher matcher(Route route, String resource) throws ConfigException {
    List<HeaderMatcher> headers = route.getMatch().getHeadersList();
    if (headers.size() != 1 || !headers.get(0).getName().equals(DataPathConfig.MODEL_HEADER)
        || headers.get(0).getInvertMatch() || !headers.get(0).hasStringMatch()) {
      throw new ConfigException(resource + ": the match must be one string_match on " + DataPathConfig.MODEL_HEADER);
    }
    StringMatcher match = headers.get(0).getStringMatch();
    if (match.getIgnoreCase()) {
      throw new ConfigException(resource + ": the model match is case-sensitive");
    }
    return switch (match.getMatchPatternCase()) {
      case EXACT -> ModelMatcher.exact(match.getExact());
      case SAFE_REGEX -> safeRegex(match.getSafeRegex().getRegex(), resource);
      default -> throw new ConfigException(resource + ": the model match is exact or safe_regex, not "
          + match.getMatchPatternCase());
    };
  }

  private static ModelMatcher safeRegex(String regex, String resource) throws ConfigException {
    try {
      return ModelMatcher.safeRegex(regex);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(resource + ": " + e.getMessage());
    }
  }

  private static RequestPolicy policy(String config, Route route, String resource) throws ConfigException {
    if (!route.hasRoute() || route.getRoute().getCluster().isEmpty()) {
      throw new ConfigException(resource + ": the route's cluster is the store its policy writes to");
    }
    String store = XdsResources.storeName(route.getRoute().getCluster(), resource);
    MetadataFields fields = MetadataFields.of(route.getMetadata(), DataPathConfig.POLICY_METADATA, resource);
    Schema schema = schema(fields.string(DataPathConfig.POLICY_SCHEMA), resource);
    String mode = fields.string(DataPathConfig.POLICY_MODE);
    if (!mode.equals(STRICT) && !mode.equals(MIGRATION)) {
      throw new ConfigException(resource + ": mode is " + STRICT + " or " + MIGRATION + ", not '" + mode + "'");
    }
    Optional<MigrationSource> migrateFrom = Optional.empty();
    if (schema == Schema.V2 && mode.equals(MIGRATION)) {
      MigrationSource from = new MigrationSource(
          fields.optionalString(DataPathConfig.POLICY_MIGRATE_FROM_STORE).orElse(store),
          schema(fields.optionalString(DataPathConfig.POLICY_MIGRATE_FROM_SCHEMA).orElse("v1"), resource));
      if (from.equals(new MigrationSource(store, Schema.V2))) {
        throw new ConfigException(resource + ": a policy cannot migrate from its own v2 record");
      }
      migrateFrom = Optional.of(from);
    }
    String failureMode = fields.string(DataPathConfig.POLICY_FAILURE_MODE);
    if (!failureMode.equals("open") && !failureMode.equals("closed")) {
      throw new ConfigException(resource + ": failure_mode is open or closed, not '" + failureMode + "'");
    }
    return new RequestPolicy(config, route.getName(),
        fields.string(DataPathConfig.POLICY_NAME),
        fields.string(DataPathConfig.POLICY_VERSION),
        schema,
        (int) fields.number(DataPathConfig.POLICY_MAX_TURNS, 1, Integer.MAX_VALUE),
        (int) fields.number(DataPathConfig.POLICY_MAX_INJECTED_CHARS, 1, Integer.MAX_VALUE),
        store,
        migrateFrom,
        FailureMode.valueOf(failureMode.toUpperCase(Locale.ROOT)),
        fields.string(DataPathConfig.POLICY_SESSION_HEADER).toLowerCase(Locale.ROOT),
        fields.optionalString(DataPathConfig.POLICY_USER_HEADER).orElse("").toLowerCase(Locale.ROOT));
  }

  private static Schema schema(String wire, String resource) throws ConfigException {
    return switch (wire) {
      case "v1" -> Schema.V1;
      case "v2" -> Schema.V2;
      default -> throw new ConfigException(resource + ": schema is v1 or v2, not '" + wire + "'");
    };
  }
}
