package io.llmxds.cp.source;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchResponse;
import io.llmxds.cp.policy.BundleSource;
import io.llmxds.cp.reload.ReloadTrigger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An etcd prefix as a policy source (docs/sources.md). Each reload reads the whole prefix at etcd's current revision
 * (one revision = one candidate bundle); a watch on the prefix says when to. When the watch fails — etcd stopped, the
 * connection lost, the watched revision compacted — the source re-lists the prefix (retrying with back-off until etcd
 * answers) and watches on from the revision it listed, so whatever happened after the last revision it saw, compacted
 * or not, is in the next reload. Meanwhile the last good config keeps serving and {@link #problem()} says why.
 */
public final class EtcdSource implements PolicySource {
  private static final Logger log = LoggerFactory.getLogger(EtcdSource.class);
  private static final Duration QUIET = Duration.ofMillis(50);
  private static final Duration MAX_DELAY = Duration.ofMillis(500);
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration MAX_RETRY = Duration.ofSeconds(4);

  private final EtcdStore store;
  private final ScheduledExecutorService scheduler;
  private volatile String problem;
  private volatile long lastSeenRevision;
  private Debouncer debouncer;
  private Watch.Watcher watcher;
  private long generation;
  private Duration retry = FIRST_RETRY;
  private boolean closed;

  private EtcdSource(EtcdStore store) {
    this.store = store;
    this.scheduler = SourceThreads.single("etcd-source");
  }

  public static EtcdSource open(EtcdTarget target, EtcdAccess access) throws IOException {
    return new EtcdSource(EtcdStore.connect(target, access));
  }

  @Override
  public BundleSource read() throws IOException {
    try {
      EtcdStore.Listing listing = store.list();
      problem = null;
      return listing.bundle();
    } catch (IOException e) {
      problem = e.getMessage();
      throw e;
    }
  }

  @Override
  public String location() {
    return store.target().url();
  }

  @Override
  public synchronized void start(Runnable onChange) {
    if (debouncer != null) {
      throw new IllegalStateException("already started");
    }
    // a revision arrives whole: nothing to settle, the quiet period only coalesces a burst of pushes
    debouncer = new Debouncer(scheduler, QUIET, QUIET, MAX_DELAY, onChange);
    scheduler.execute(() -> resync(false));
  }

  /** Local files (absolute paths in a policy) are read at each reload; a change to them waits for the next one. */
  @Override
  public void watchFilesOf(Collection<Path> files) {}

  @Override
  public ReloadTrigger changeTrigger() {
    return ReloadTrigger.ETCD_WATCH;
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Lists the prefix and watches from the revision after it; {@code reload}: the listing may hold news. */
  private synchronized void resync(boolean reload) {
    if (closed) {
      return;
    }
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    long revision;
    try {
      revision = store.list().revision();
    } catch (IOException e) {
      problem = e.getMessage();
      log.warn("etcd source {}: {}; the last good config keeps serving, retrying in {} ms", location(), problem,
          retry.toMillis());
      scheduler.schedule(() -> resync(true), retry.toMillis(), TimeUnit.MILLISECONDS);
      Duration doubled = retry.multipliedBy(2);
      retry = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
      return;
    }
    problem = null;
    retry = FIRST_RETRY;
    long watched = ++generation;
    watcher = store.watch(revision + 1, Watch.listener(
        response -> onEvents(watched, response), error -> onWatchEnd(watched, EtcdStore.describe(error)),
        () -> onWatchEnd(watched, "the watch ended")));
    if (reload) {
      log.info("etcd source {}: watching again from revision {} (last event seen at {}); reloading", location(),
          revision + 1, lastSeenRevision);
      debouncer.signal();
    }
  }

  private void onEvents(long watched, WatchResponse response) {
    synchronized (this) {
      if (watched != generation || response.getEvents().isEmpty()) {
        return;
      }
    }
    lastSeenRevision = Math.max(lastSeenRevision, response.getHeader().getRevision());
    debouncer.signal();
  }

  private void onWatchEnd(long watched, String why) {
    synchronized (this) {
      if (watched != generation || closed) {
        return;
      }
      generation++;
    }
    problem = "etcd watch: " + why;
    log.warn("etcd source {}: {}; re-listing", location(), problem);
    scheduler.execute(() -> resync(true));
  }

  /** The revision of the newest change the watch delivered (0 before the first). */
  public long lastSeenRevision() {
    return lastSeenRevision;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (watcher != null) {
        watcher.close();
      }
    }
    SourceThreads.stop(scheduler);
    store.close();
  }
}
