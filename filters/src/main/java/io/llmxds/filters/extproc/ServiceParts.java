package io.llmxds.filters.extproc;

import io.llmxds.filters.context.ConversationMemory;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;

/** What every exchange of the service uses. */
record ServiceParts(ConversationMemory memory, Tracer tracer, ServiceMetrics metrics, long maxBodyBytes, Clock clock) {}
