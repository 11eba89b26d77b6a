package io.llmxds.cp.source;

import io.llmxds.cp.policy.BundleSource;
import io.llmxds.cp.reload.ReloadTrigger;
import io.llmxds.cp.reload.BundleReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/** A policy directory watched by {@link PolicyDirectoryWatcher} (ConfigMap-safe; docs/operations.md). */
public final class DirectorySource implements PolicySource {
  private final BundleReader reader;
  private final PolicyDirectoryWatcher watcher;

  private DirectorySource(BundleReader reader, PolicyDirectoryWatcher watcher) {
    this.reader = reader;
    this.watcher = watcher;
  }

  /** Watches {@code dir} from now on; changes are delivered once {@link #start} is called. */
  public static DirectorySource open(Path dir, Duration quiet, Duration maxDelay) throws IOException {
    return new DirectorySource(BundleReader.directory(dir), PolicyDirectoryWatcher.watch(dir, quiet, maxDelay));
  }

  @Override
  public BundleSource read() throws IOException {
    return reader.read();
  }

  @Override
  public String location() {
    return reader.location();
  }

  @Override
  public void start(Runnable onChange) {
    watcher.start(onChange);
  }

  @Override
  public void watchFilesOf(Collection<Path> files) {
    watcher.watchFilesOf(files);
  }

  /** A directory's problems are the reload's (an unreadable directory is a failed reload with its file errors). */
  @Override
  public ReloadTrigger changeTrigger() {
    return ReloadTrigger.FILE_WATCH;
  }

  @Override
  public Optional<String> problem() {
    return Optional.empty();
  }

  @Override
  public void close() {
    watcher.close();
  }
}
