package io.llmxds.cp.verify.load;

import io.llmxds.cp.verify.load.LoadedConfig.PerFilterConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PerFilterConfigs}: what Envoy does with each {@code typed_per_filter_config} entry when it builds a route
 * configuration. Its factory is found by the config's type among the (downstream) HTTP filter factories, whatever
 * the key says (config_impl.cc:2480-2482); the key is only what a filter later looks its config up under.
 */
final class PerRouteRules {

  private static final String CONFIG = "source/common/router/config_impl.cc:";

  private PerRouteRules() {}

  /**
   * {@code createRouteSpecificFilterConfig}: a type no HTTP filter factory registers is rejected; an upstream-only
   * filter (the codec) has no such factory.
   */
  static final Each<PerFilterConfig> FILTER_REGISTERED = Each.rejects(CONFIG + "2480-2493",
      LoadedConfig::perFilterConfigs, Each.reason(entry -> (entry.type().isEmpty()
          || FilterFactories.judges(entry.type())) && http(entry.type()).isEmpty()
          ? "Didn't find a registered implementation for '" + entry.filter() + "' with type URL: '" + entry.type()
              + "'" : null));

  /**
   * The config is unpacked into its factory's per-route type: a filter's own config type where it has another one
   * (an {@code ExternalProcessor} where ext_proc wants an {@code ExtProcPerRoute}) fails, unless the value is empty
   * (then the unpack is skipped, source/common/config/utility.cc:260).
   */
  static final Each<PerFilterConfig> CONFIG_TYPE = Each.rejects(CONFIG + "2496-2498", LoadedConfig::perFilterConfigs,
      Each.reason(entry -> entry.config().getValue().isEmpty() ? null : http(entry.type())
          .filter(f -> f.modelled() && !f.routeConfigType().equals(entry.type()))
          .map(f -> "Unable to unpack as " + f.routeConfigType()).orElse(null)));

  /**
   * A factory that makes no per-route config (the router, the credential injector) rejects one that is not
   * {@code is_optional} (only a {@code FilterConfig} wrapper can say so; the translation never emits one).
   */
  static final Each<PerFilterConfig> SUPPORTED = Each.rejects(CONFIG + "2503-2513", LoadedConfig::perFilterConfigs,
      Each.reason(entry -> http(entry.type()).filter(f -> f.modelled() && !f.perRoute()
              && (f.routeConfigType().equals(entry.type()) || entry.config().getValue().isEmpty()))
          .map(f -> "The filter " + entry.filter() + " doesn't support virtual host or route specific "
              + "configurations").orElse(null)));

  /**
   * llm-xds's rule: a config whose key names no HTTP filter that could read it is dead: a filter looks its
   * per-route config up under its own configured name ({@code mostSpecificPerFilterConfig(config_name)}), and
   * Envoy never compares the keys with the listener's filters (config_impl.cc:2526-2570).
   */
  static final Each<PerFilterConfig> READ = Each.ignored("source/common/http/filter_manager.cc:276-283",
      LoadedConfig::perFilterConfigs, Each.reason(entry -> entry.readers() == null
          || entry.readers().containsKey(entry.filter()) ? null : "no HTTP filter named '" + entry.filter()
          + "' in the HttpConnectionManagers that use this RouteConfiguration or in a cluster's upstream filters: "
          + "no filter reads this config"));

  /**
   * llm-xds's rule: another filter's config under a filter's name is dead: Envoy builds it (by its type) and the
   * named filter, casting it to its own per-route class ({@code resolveMostSpecificPerFilterConfig},
   * {@code getAllPerFilterConfig}: {@code dynamic_cast}), gets nothing.
   */
  static final Each<PerFilterConfig> FOR_ITS_FILTER = Each.ignored("source/common/http/utility.h:590-623",
      LoadedConfig::perFilterConfigs, Each.reason(PerRouteRules::wrongFilter));

  private static String wrongFilter(PerFilterConfig entry) {
    Optional<FilterFactories.Factory> given = http(entry.type()).filter(FilterFactories.Factory::modelled);
    Set<String> readerTypes = entry.readers() == null ? null : entry.readers().get(entry.filter());
    if (given.isEmpty() || readerTypes == null) {
      return null;
    }
    List<FilterFactories.Factory> readers = readerTypes.stream()
        .map(type -> http(type).or(() -> FilterFactories.find(FilterFactories.Chain.UPSTREAM_HTTP, type)))
        .flatMap(Optional::stream).toList();
    if (readers.size() != readerTypes.size() || !readers.stream().allMatch(FilterFactories.Factory::modelled)
        || readers.contains(given.get())) {
      return null;
    }
    FilterFactories.Factory reader = readers.get(0);
    return "'" + entry.filter() + "' is a " + reader.name() + " filter, which " + (reader.perRoute()
        ? "reads only " + reader.routeConfigType() + " per-route configs" : "reads no per-route config")
        + ", not " + entry.type();
  }

  private static Optional<FilterFactories.Factory> http(String type) {
    return FilterFactories.find(FilterFactories.Chain.HTTP, type);
  }
}
