package io.llmxds.cp.reload;

import java.time.Instant;

/**
 * Holds a rolled-back version in place: the source still holds {@code sourceVersion}, which must not be re-applied
 * by the next reload of unchanged content. Any other content from the source (an edit, a revert) lifts the pin.
 *
 * @param sourceVersion the version serving when the rollback happened, which the source still holds
 * @param restoredVersion the kept version republished in its place
 */
public record RollbackPin(String sourceVersion, String restoredVersion, Instant at, ReloadTrigger trigger) {

  /** What the status says while the pin holds. */
  public String describe() {
    return "rolled back from " + sourceVersion + " to " + restoredVersion + " at " + at + " (" + trigger.wire()
        + "); source still holds " + sourceVersion;
  }
}
