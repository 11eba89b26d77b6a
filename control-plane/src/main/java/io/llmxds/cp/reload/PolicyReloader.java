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
 * them.
 */
public final class PolicyReloader {
  private static final Logger log = LoggerFactory.getLogger(PolicyReloader.class);

  private final BundleReader source;
  private final ConfigPublisher publisher;
  private final Consumer<Set<Path>> inputsObserver;
  private final ConfigCheck lastCheck;

  private volatile PolicyCompiler.Compiled current;
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
    PolicyCompiler.Result result = checked(PolicyCompiler.compile(candidate), previous);
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
      if (compiled.configVersion().equals(previous)) {
        outcome = outcome(Status.UNCHANGED, trigger, previous, previous, List.of(), List.of(), revision, startedAt,
            start);
        log.debug("reload ({}): unchanged, version {}", trigger.wire(), previous);
      } else {
        List<String> changes = current == null ? List.of() : BundleDiff.summarize(current.bundle(), compiled.bundle());
        publisher.publish(compiled, startedAt);
        current = compiled;
        outcome = outcome(Status.SUCCESS, trigger, compiled.configVersion(), previous, List.of(), changes, revision,
            startedAt, start);
        log.info("reload ({}): published version {} (was {}){}{}", trigger.wire(), compiled.configVersion(),
            previous.isEmpty() ? "none" : previous, revision.isPresent() ? " at revision " + revision.getAsLong() : "",
            changes.isEmpty() ? "" : ": " + String.join("; ", changes));
      }
    }
    if (outcome.status() != Status.FAILURE) {
      servingRevision = revision;
    }
    lastOutcome = outcome;
    return outcome;
  }

  /**
   * A new config version as the last check judges it (failed when it has problems); an unchanged one was judged when
   * it was published.
   */
  private PolicyCompiler.Result checked(PolicyCompiler.Result result, String previous) {
    if (result instanceof PolicyCompiler.Compiled compiled && !compiled.configVersion().equals(previous)) {
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
