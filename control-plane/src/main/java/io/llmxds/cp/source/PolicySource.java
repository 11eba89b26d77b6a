package io.llmxds.cp.source;

import io.llmxds.cp.reload.BundleReader;
import io.llmxds.cp.reload.ReloadTrigger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * A source of policy bundles that says when it may hold a new one: a watched directory ({@link DirectorySource}) or
 * a watched etcd prefix ({@link EtcdSource}). Opened before the first load, so no change after it is missed.
 */
public interface PolicySource extends BundleReader, AutoCloseable {

  /** Starts calling {@code onChange} (on the source's own thread, one call at a time) when the bundle may differ. */
  void start(Runnable onChange);

  /** What the reloads {@code onChange} runs are recorded as. */
  ReloadTrigger changeTrigger();

  /** Local files the config was read from (secrets outside the bundle): a change to them is a change too. */
  void watchFilesOf(Collection<Path> files);

  /** What is wrong with the source itself now (the store cannot be reached); empty when it is healthy. */
  Optional<String> problem();

  @Override
  void close();

  /** How to open a source; what {@code serve --policies} or {@code --source} asked for. */
  @FunctionalInterface
  interface Opener {
    /** @param quiet, maxDelay how a directory's bursts of file events are collapsed ({@link Debouncer}) */
    PolicySource open(Duration quiet, Duration maxDelay) throws IOException;

    static Opener directory(Path dir) {
      return (quiet, maxDelay) -> DirectorySource.open(dir, quiet, maxDelay);
    }

    static Opener etcd(EtcdTarget target, EtcdAccess access) {
      return (quiet, maxDelay) -> EtcdSource.open(target, access);
    }
  }
}
