package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import java.util.Optional;

/**
 * What Envoy checks when it builds a filter chain: a listener's network filters
 * (listener_manager_impl.cc:85-127), an HttpConnectionManager's HTTP filters and a cluster's upstream HTTP filters
 * ({@code FilterChainHelper::processFilters}, filter_chain_helper.h:89-167). Factories are found by config type
 * ({@link FilterFactories}).
 */
final class FilterChainRules {

  private static final String CODEC = FilterFactories.name(UpstreamCodec.class);

  private FilterChainRules() {}

  /**
   * {@code Config::Utility::getAndCheckFactory}: each filter needs a factory for the type of its
   * {@code typed_config} in its chain's registry; one without {@code typed_config} has the type URL ''. An
   * {@code is_optional} HTTP filter is left out instead ({@link #OPTIONAL_SKIPPED}).
   */
  static final Each<LoadedConfig.ChainFilter> TYPE_REGISTERED = Each.rejects("source/common/config/utility.h:271-279",
      LoadedConfig::chainFilters, Each.reasonAt(Where.root().field("typed_config"), f -> f.optional() ? null
          : unregistered(f).map(type -> "Didn't find a registered implementation for '" + f.name()
              + "' with type URL: '" + type + "'").orElse(null)));

  /**
   * llm-xds's rule: an {@code is_optional} HTTP filter with no factory is no error to Envoy: it logs a warning and
   * leaves the filter out of the chain.
   */
  static final Each<LoadedConfig.ChainFilter> OPTIONAL_SKIPPED = Each.ignored(
      "source/common/http/filter_chain_helper.h:137-144", LoadedConfig::chainFilters,
      Each.reasonAt(Where.root().field("typed_config"), f -> !f.optional() ? null
          : unregistered(f).map(type -> "the optional filter '" + f.name() + "' has no registered " + f.chain().type
              + " factory for type URL '" + type + "' and would be left out of the chain").orElse(null)));

  /**
   * A factory is also found by its per-route config type (envoy/server/filter_config.h:291-299), but the
   * {@code typed_config} is then unpacked into the filter config type, which fails for a non-empty value of another
   * type (an {@code ExtProcPerRoute} as ext_proc's config): {@code MessageUtil::unpackTo}, reached through
   * {@code translateToFactoryConfig} (filter_chain_helper.h:145-146).
   */
  static final Each<LoadedConfig.ChainFilter> CONFIG_TYPE_MATCHES = Each.rejects(
      "source/common/protobuf/utility.cc:405-411", LoadedConfig::chainFilters,
      Each.reasonAt(Where.root().field("typed_config"), f -> f.discovered() || f.typedConfig().getValue().isEmpty()
          ? null : FilterFactories.find(f.chain(), f.type()).filter(factory -> !factory.configType().equals(f.type()))
              .map(factory -> "Unable to unpack as " + factory.configType()).orElse(null)));

  /**
   * {@code FilterChainUtility::checkUpstreamHttpFiltersList}, run on a cluster's non-empty upstream filters
   * (upstream_impl.cc:1420-1426): the last one's {@code typed_config} must be an {@code UpstreamCodec}, whatever its
   * name.
   */
  static final Each<LoadedConfig.ChainFilter> UPSTREAM_CODEC_LAST = Each.rejects(
      "source/common/http/filter_chain_helper.cc:72-87", LoadedConfig::chainFilters,
      Each.reasonAt(Where.root().field("typed_config"), f -> f.chain() != FilterFactories.Chain.UPSTREAM_HTTP
          || !f.last() || f.type().equals(CODEC) || FilterFactories.typedStruct(f.type()) ? null
          : "The codec filter is the only valid terminal upstream HTTP filter, use '" + CODEC + "'"));

  /** {@code Config::Utility::validateTerminalFilters}: a terminal filter must be the last of its chain. */
  static final Each<LoadedConfig.ChainFilter> TERMINAL_LAST = Each.rejects("source/common/config/utility.cc:355-359",
      LoadedConfig::chainFilters, Each.reason(f -> f.last() || f.discovered() ? null
          : FilterFactories.find(f.chain(), f.type()).filter(FilterFactories.Factory::terminal)
              .map(factory -> "Error: terminal filter named " + f.name() + " of type " + factory.name()
                  + " must be the last filter in a " + f.chain().type + " filter chain.").orElse(null)));

  /**
   * The other half: the last filter must be terminal. (An upstream chain fails {@link #UPSTREAM_CODEC_LAST}
   * before.)
   */
  static final Each<LoadedConfig.ChainFilter> LAST_TERMINAL = Each.rejects("source/common/config/utility.cc:360-368",
      LoadedConfig::chainFilters, Each.reason(f -> !f.last() || f.discovered()
          || f.chain() == FilterFactories.Chain.UPSTREAM_HTTP ? null
          : FilterFactories.find(f.chain(), f.type()).filter(factory -> !factory.terminal())
              .map(factory -> "Error: non-terminal filter named " + f.name() + " of type " + factory.name()
                  + " is the last filter in a " + f.chain().type + " filter chain.").orElse(null)));

  /** {@code FilterChainHelper::processFilter}: the last (terminal) HTTP filter may not be disabled. */
  static final Each<LoadedConfig.ChainFilter> LAST_ENABLED = Each.rejects(
      "source/common/http/filter_chain_helper.h:122-126", LoadedConfig::chainFilters,
      Each.reasonAt(Where.root().field("disabled"), f -> f.last() && f.disabled()
          ? "Error: the last (terminal) filter (" + f.name() + ") in the chain cannot be disabled by default." : null));

  /** The filter's type if its chain has no factory for it (as far as llm-xds can tell), else empty. */
  static Optional<String> unregistered(LoadedConfig.ChainFilter filter) {
    String type = filter.type();
    if (filter.discovered() || FilterFactories.typedStruct(type)
        || FilterFactories.find(filter.chain(), type).isPresent()) {
      return Optional.empty();
    }
    return type.isEmpty() || FilterFactories.judges(type) ? Optional.of(type) : Optional.empty();
  }
}
