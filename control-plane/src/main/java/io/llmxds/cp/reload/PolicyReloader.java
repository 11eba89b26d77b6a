package io.llmxds.cp.reload;

import io.llmxds.cp.policy.BundleDiff;
import io.llmxds.cp.reload.ReloadOutcome.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload handle: compiles the policy directory and, only when it is valid and different from what is
 * serving, publishes it. A bad directory never replaces the running config; its errors are kept for the admin
 * status. Reloads are serialized, whoever triggers them.
 */
public final class PolicyReloader {
  private static final Logger log = LoggerFactory.getLogger(PolicyReloader.class);

  private final Path dir;
  private final ConfigPublisher publisher;
  private final Consumer<Set<Path>> inputsObserver;
  private final ConfigCheck lastCheck;

  private volatile PolicyCompiler.Compiled current;
  private volatile ReloadOutcome lastOutcome;

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
    this.dir = dir;
    this.publisher = publisher;
    this.inputsObserver = inputsObserver;
    this.lastCheck = lastCheck;
  }

  public synchronized ReloadOutcome reload(ReloadTrigger trigger) {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    String previous = currentVersion();
    PolicyCompiler.Result result = checked(PolicyCompiler.compile(dir), previous);
    ReloadOutcome outcome;
    if (result instanceof PolicyCompiler.Failed failed) {
      outcome = outcome(Status.FAILURE, trigger, previous, previous, failed.errors(), List.of(), startedAt, start);
      log.warn("reload ({}) rejected, {} keeps serving; {} error(s):\n  {}", trigger.wire(),
          previous.isEmpty() ? "nothing" : "version " + previous, failed.errors().size(),
          String.join("\n  ", failed.errors()));
    } else {
      PolicyCompiler.Compiled compiled = (PolicyCompiler.Compiled) result;
      inputsObserver.accept(compiled.inputs());
      if (compiled.configVersion().equals(previous)) {
        outcome = outcome(Status.UNCHANGED, trigger, previous, previous, List.of(), List.of(), startedAt, start);
        log.debug("reload ({}): unchanged, version {}", trigger.wire(), previous);
      } else {
        List<String> changes = current == null ? List.of() : BundleDiff.summarize(current.bundle(), compiled.bundle());
        publisher.publish(compiled, startedAt);
        current = compiled;
        outcome = outcome(Status.SUCCESS, trigger, compiled.configVersion(), previous, List.of(), changes, startedAt,
            start);
        log.info("reload ({}): published version {} (was {}){}", trigger.wire(), compiled.configVersion(),
            previous.isEmpty() ? "none" : previous, changes.isEmpty() ? "" : ": " + String.join("; ", changes));
      }
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

  public Path directory() {
    return dir;
  }

  private String currentVersion() {
    PolicyCompiler.Compiled c = current;
    return c == null ? "" : c.configVersion();
  }

  private static ReloadOutcome outcome(Status status, ReloadTrigger trigger, String version, String previous,
      List<String> errors, List<String> changes, Instant startedAt, long startNanos) {
    return new ReloadOutcome(status, trigger, version, previous, errors, changes, startedAt,
        Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
