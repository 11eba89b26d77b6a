package io.llmxds.cp.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.reload.ReloadOutcome;
import io.opentelemetry.api.trace.SpanContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured (JSON) line per reload or rollback on the {@code llm_xds.audit} logger: who, what, when, which
 * version and what changed, with the trace and span ids of its {@code policy.reload} (or {@code policy.rollback})
 * span so logs and traces meet.
 */
public final class AuditLog implements ReloadObserver {
  static final String LOGGER = "llm_xds.audit";
  private static final Logger audit = LoggerFactory.getLogger(LOGGER);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void onReload(ReloadOutcome outcome, String actor, SpanContext span) {
    if (audit.isInfoEnabled()) {
      audit.info(line(outcome, actor, span));
    }
  }

  static String line(ReloadOutcome outcome, String actor, SpanContext span) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("event", outcome.trigger().rollsBack() ? SpanAttributes.ROLLBACK_SPAN : SpanAttributes.RELOAD_SPAN);
    entry.put("time", outcome.startedAt().toString());
    entry.put("actor", actor);
    entry.put("trigger", outcome.trigger().wire());
    entry.put("status", outcome.status().wire());
    entry.put("configVersion", outcome.configVersion());
    entry.put("previousVersion", outcome.previousVersion());
    outcome.sourceRevision().ifPresent(revision -> entry.put("sourceRevision", revision));
    entry.put("durationMs", outcome.duration().toNanos() / 1e6);
    entry.put("changes", outcome.changes());
    entry.put("errors", outcome.errors());
    entry.put("trace_id", span.getTraceId());
    entry.put("span_id", span.getSpanId());
    try {
      return JSON.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
