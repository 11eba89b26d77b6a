package io.llmxds.filters.config;

import io.llmxds.filters.context.RequestPolicy;

/** One route of the model table: the models it matches and the context policy they run under. */
public record PolicyRoute(ModelMatcher matcher, RequestPolicy policy) {}
