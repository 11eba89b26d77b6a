package io.llmxds.cp.reload;

import io.llmxds.cp.policy.BundleDiff;
import io.llmxds.cp.policy.BundleSource;
import io.llmxds.cp.reload.ReloadOutcome.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload handle: compiles the newest bundle of its source (a policy directory, an etcd prefix) and, only when
 * it is valid and different from what is serving, publishes it. A bad bundle, or a source that cannot be read, never
 * replaces the running config; its errors are kept for the admin status. Reloads are serialized, whoever triggers
 * them. A rollback ({@link #restore}) republishes a kept version and pins it until the source's content changes.
 */
public final class PolicyReloader {
  private static final Logger log = LoggerFactory.getLogger(PolicyReloader.class);

  private final BundleReader source;
  private final ConfigPublisher publisher;
  private final Consumer<Set<Path>> inputsObserver;
  private final ConfigCheck lastCheck;

  private volatile PolicyCompiler.Compiled current;
  private volatile PolicyCompiler.Compiled previousServed;
  private volatile RollbackPin pin;
  private volatile ReloadOutcome lastOutcome;
  private volatile OptionalLong servingRevision = OptionalLong.empty();

  /**
   * @param inputsObserver told, after each successful compile, which files the config was read from (the watcher
   *     watches their directories too)
   */
  public PolicyReloader(Path dir, ConfigPublisher publisher, Consumer<Set<Path>> inputsObserver) {
    this(dir, publisher, inputsObserver, ConfigCheck.NONE);
  }

  /**
   * @param lastCheck run on every new config version after the verify stage, before publishing (serve
   *     --envoy-validate); its problems fail the reload
   */
  public PolicyReloader(Path dir, ConfigPublisher publisher, Consumer<Set<Path>> inputsObserver,
      ConfigCheck lastCheck) {
    this(BundleReader.directory(dir), publisher, inputsObserver, lastCheck);
  }

  /** As the directory form, for any source of bundles (an etcd prefix). */
  public PolicyReloader(BundleReader source, ConfigPublisher publisher, Consumer<Set<Path>> inputsObserver,
      ConfigCheck lastCheck) {
    this.source = source;
    this.publisher = publisher;
    this.inputsObserver = inputsObserver;
    this.lastCheck = lastCheck;
  }

  public synchronized ReloadOutcome reload(ReloadTrigger trigger) {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    String previous = currentVersion();
    BundleSource candidate;
    try {
      candidate = source.read();
    } catch (IOException e) {
      // the source is unreachable (etcd down): a failed reload like a bad bundle, the last good config keeps serving
      String error = "source: " + e.getMessage();
      lastOutcome = outcome(Status.FAILURE, trigger, previous, previous, List.of(error), List.of(),
          OptionalLong.empty(), startedAt, start);
      log.warn("reload ({}) could not read {}, {} keeps serving: {}", trigger.wire(), source.location(),
          previous.isEmpty() ? "nothing" : "version " + previous, e.getMessage());
      return lastOutcome;
    }
    OptionalLong revision = candidate.revision();
    PolicyCompiler.Result compiledOrFailed = PolicyCompiler.compile(candidate);
    String pinned = heldBack(compiledOrFailed);
    PolicyCompiler.Result result = checked(compiledOrFailed, previous, pinned);
    ReloadOutcome outcome;
    if (result instanceof PolicyCompiler.Failed failed) {
      outcome = outcome(Status.FAILURE, trigger, previous, previous, failed.errors(), List.of(), revision, startedAt,
          start);
      log.warn("reload ({}) rejected, {} keeps serving; {} error(s):\n  {}", trigger.wire(),
          previous.isEmpty() ? "nothing" : "version " + previous, failed.errors().size(),
          String.join("\n  ", failed.errors()));
    } else {
      PolicyCompiler.Compiled compiled = (PolicyCompiler.Compiled) result;
      inputsObserver.accept(compiled.inputs());
      if (compiled.configVersion().equals(previous) || compiled.configVersion().equals(pinned)) {
        outcome = outcome(Status.UNCHANGED, trigger, previous, previous, List.of(), List.of(), revision, startedAt,
            start);
        log.debug("reload ({}): unchanged, version {}{}", trigger.wire(), previous,
            compiled.configVersion().equals(pinned) ? " (the source still holds rolled-back " + pinned + ")" : "");
      } else {
        List<String> changes = current == null ? List.of() : BundleDiff.summarize(current.bundle(), compiled.bundle());
        publisher.publish(compiled, startedAt);
        previousServed = current;
        current = compiled;
        outcome = outcome(Status.SUCCESS, trigger, compiled.configVersion(), previous, List.of(), changes, revision,
            startedAt, start);
        log.info("reload ({}): published version {} (was {}){}{}", trigger.wire(), compiled.configVersion(),
            previous.isEmpty() ? "none" : previous, revision.isPresent() ? " at revision " + revision.getAsLong() : "",
            changes.isEmpty() ? "" : ": " + String.join("; ", changes));
      }
    }
    if (outcome.status() != Status.FAILURE && pin == null) {
      servingRevision = revision;
    }
    lastOutcome = outcome;
    return outcome;
  }

  /**
   * Republishes a kept version in place of the serving one (an operator's rollback, or the guard's) and pins it: the
   * source's unchanged content is not re-applied, any new content is. The kept version passes the last check again,
   * since the check (an Envoy binary) may have changed since it first served.
   */
  public synchronized ReloadOutcome restore(PolicyCompiler.Compiled kept, ReloadTrigger trigger) {
    if (!trigger.rollsBack()) {
      throw new IllegalArgumentException(trigger.wire() + " does not roll back");
    }
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    String serving = currentVersion();
    ReloadOutcome outcome;
    if (current == null) {
      outcome = outcome(Status.FAILURE, trigger, serving, serving, List.of("nothing is serving yet to roll back from"),
          List.of(), OptionalLong.empty(), startedAt, start);
    } else if (kept.configVersion().equals(serving)) {
      outcome = outcome(Status.UNCHANGED, trigger, serving, serving, List.of(), List.of(), OptionalLong.empty(),
          startedAt, start);
    } else {
      List<String> problems = lastCheck.problems(kept);
      if (!problems.isEmpty()) {
        outcome = outcome(Status.FAILURE, trigger, serving, serving, problems, List.of(), OptionalLong.empty(),
            startedAt, start);
      } else {
        List<String> changes = BundleDiff.summarize(current.bundle(), kept.bundle());
        publisher.publish(kept, startedAt);
        previousServed = current;
        current = kept;
        // a pin on a pin keeps naming what the source holds, which has not changed
        String sourceHolds = pin == null ? serving : pin.sourceVersion();
        pin = new RollbackPin(sourceHolds, kept.configVersion(), startedAt, trigger);
        servingRevision = OptionalLong.empty();
        outcome = outcome(Status.SUCCESS, trigger, kept.configVersion(), serving, List.of(), changes,
            OptionalLong.empty(), startedAt, start);
        log.warn("{}: republished version {} in place of {}; the source still holds {}", trigger.wire(),
            kept.configVersion(), serving, sourceHolds);
      }
    }
    lastOutcome = outcome;
    return outcome;
  }

  /**
   * The version the pin holds back when the source still compiles to it, else nothing; lifts the pin when the
   * source's content compiled to anything else (an edit or a revert: the operator has acted).
   */
  private String heldBack(PolicyCompiler.Result result) {
    RollbackPin held = pin;
    if (held == null || !(result instanceof PolicyCompiler.Compiled compiled)) {
      return "";
    }
    if (compiled.configVersion().equals(held.sourceVersion())) {
      return held.sourceVersion();
    }
    pin = null;
    log.info("the source no longer holds rolled-back version {}: the rollback pin is lifted", held.sourceVersion());
    return "";
  }

  /**
   * A new config version as the last check judges it (failed when it has problems); an unchanged or pinned one was
   * judged when it was published.
   */
  private PolicyCompiler.Result checked(PolicyCompiler.Result result, String previous, String pinned) {
    if (result instanceof PolicyCompiler.Compiled compiled && !compiled.configVersion().equals(previous)
        && !compiled.configVersion().equals(pinned)) {
      List<String> problems = lastCheck.problems(compiled);
      if (!problems.isEmpty()) {
        inputsObserver.accept(compiled.inputs());
        return new PolicyCompiler.Failed(problems);
      }
    }
    return result;
  }

  /** The config serving now, if any reload has succeeded. */
  public Optional<PolicyCompiler.Compiled> current() {
    return Optional.ofNullable(current);
  }

  /** The config that served before the current one (what a rollback of the latest change returns to), if any. */
  public Optional<PolicyCompiler.Compiled> previous() {
    return Optional.ofNullable(previousServed);
  }

  /** The rollback holding the serving version in place, while the source holds a newer one. */
  public Optional<RollbackPin> pin() {
    return Optional.ofNullable(pin);
  }

  public Optional<ReloadOutcome> lastOutcome() {
    return Optional.ofNullable(lastOutcome);
  }

  /** The newest store revision whose bundle is the one serving (etcd); empty for a directory or before any. */
  public OptionalLong servingRevision() {
    return servingRevision;
  }

  /** Where bundles are read from: the policy directory's path, or the etcd URL. */
  public String location() {
    return source.location();
  }

  private String currentVersion() {
    PolicyCompiler.Compiled c = current;
    return c == null ? "" : c.configVersion();
  }

  private static ReloadOutcome outcome(Status status, ReloadTrigger trigger, String version, String previous,
      List<String> errors, List<String> changes, OptionalLong revision, Instant startedAt, long startNanos) {
    return new ReloadOutcome(status, trigger, version, previous, errors, changes, revision, startedAt,
        Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
