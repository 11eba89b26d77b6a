package io.llmxds.cp.reload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * The result of one reload attempt.
 *
 * @param configVersion the version now serving (the previous one when the attempt failed; "" if none yet)
 * @param previousVersion the version serving before the attempt ("" if none)
 * @param errors every problem found, formatted like compiler errors; empty unless {@code status} is FAILURE
 * @param changes what the new version changed, one entry per document ({@link io.llmxds.cp.policy.BundleDiff});
 *     empty unless {@code status} is SUCCESS
 * @param sourceRevision the store revision the candidate bundle was read at (etcd); empty for a directory, or when the
 *     store could not be read
 */
public record ReloadOutcome(
    Status status,
    ReloadTrigger trigger,
    String configVersion,
    String previousVersion,
    List<String> errors,
    List<String> changes,
    OptionalLong sourceRevision,
    Instant startedAt,
    Duration duration) {

  public ReloadOutcome {
    errors = List.copyOf(errors);
    changes = List.copyOf(changes);
  }

  /** How a reload ended. */
  public enum Status {
    /** A new config version was validated and published. */
    SUCCESS("success"),
    /** The policies are valid and identical to the serving version: nothing was published. */
    UNCHANGED("unchanged"),
    /** The policies were rejected; the last good version keeps serving. */
    FAILURE("failure");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}
