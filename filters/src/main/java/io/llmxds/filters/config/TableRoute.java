package io.llmxds.filters.config;

import io.llmxds.filters.context.RequestPolicy;
import java.util.List;
import java.util.Optional;

/**
 * One route of the model table: a ModelRoute, the models it matches, the context policy they run under (none: the
 * ModelRoute has no context policy; its requests are still subject to the consumers' access), and the APIs of the
 * providers it may send a request to ({@code openai}, {@code anthropic}; docs/llm-apis.md "Translation").
 */
public record TableRoute(String name, ModelMatcher matcher, Optional<RequestPolicy> policy,
    List<String> providerApis) {

  /** What a route whose table entry names no provider API has: the default API only. */
  public static final List<String> DEFAULT_PROVIDER_APIS = List.of("openai");

  public TableRoute(String name, ModelMatcher matcher, Optional<RequestPolicy> policy) {
    this(name, matcher, policy, DEFAULT_PROVIDER_APIS);
  }

  public TableRoute {
    providerApis = List.copyOf(providerApis);
  }
}
