package io.llmxds.filters.extproc;

import io.llmxds.filters.context.ConversationMemory;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;

/** What every exchange of the service uses, whichever snapshot it runs under. */
record ServiceParts(ConversationMemory memory, Tracer tracer, TextMapPropagator propagator, ServiceMetrics metrics,
    GenAiMetrics genAi, Clock clock) {}
