package io.llmxds.filters.config;

import io.llmxds.filters.context.RequestPolicy;
import java.util.Optional;

/**
 * One route of the model table: a ModelRoute, the models it matches and the context policy they run under (none:
 * the ModelRoute has no context policy; its requests are still subject to the consumers' access).
 */
public record TableRoute(String name, ModelMatcher matcher, Optional<RequestPolicy> policy) {}
