package io.llmxds.cp.observe;

import io.llmxds.cp.reload.ReloadOutcome;
import io.opentelemetry.api.trace.SpanContext;

/** Hears about every reload attempt once it has ended, with the span that recorded it. */
public interface ReloadObserver {
  /** @param actor who asked for it: {@code startup}, {@code file-watch} or {@code admin-api <remote address>} */
  void onReload(ReloadOutcome outcome, String actor, SpanContext span);
}
