package io.llmxds.cp.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a policy directory (and the directories of the files it refers to, such as secret files) and calls
 * {@code onChange} once per burst of file-system events.
 *
 * <p>It never looks at which file changed: any event means "the directory may say something new", and the reload
 * that follows reads the whole directory and publishes only if the content hash changed. That makes it indifferent
 * to how a file was saved — in place, by atomic rename, through an editor's swap files, or by the Kubernetes
 * ConfigMap {@code ..data} symlink swap — and a half-written file only costs a rejected reload that the next event
 * (the end of the write) repeats.
 */
public final class PolicyDirectoryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyDirectoryWatcher.class);

  public static final Duration DEFAULT_QUIET = Duration.ofMillis(200);
  /** How long a save after a quiet period waits for its own other events (see {@link Debouncer}). */
  static final Duration DEFAULT_SETTLE = Duration.ofMillis(50);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);

  private final WatchService watchService;
  private final Map<WatchKey, Path> watched = new HashMap<>();
  private final Duration quiet;
  private final Duration maxDelay;
  private final ScheduledExecutorService scheduler;
  private Thread eventThread;

  private PolicyDirectoryWatcher(Path dir, Duration quiet, Duration maxDelay) throws IOException {
    this.watchService = FileSystems.getDefault().newWatchService();
    this.quiet = quiet;
    this.maxDelay = maxDelay;
    this.scheduler = SourceThreads.single("policy-reload");
    watch(Set.of(dir));
  }

  /**
   * Registers {@code dir} for watching. Events are queued from now on and delivered once {@link #start} is called,
   * so nothing saved between this call and the first load is missed.
   */
  public static PolicyDirectoryWatcher watch(Path dir, Duration quiet, Duration maxDelay) throws IOException {
    return new PolicyDirectoryWatcher(dir.toAbsolutePath().normalize(), quiet, maxDelay);
  }

  /** Starts delivering changes: {@code onChange} runs on the watcher's own thread, one call at a time. */
  public synchronized void start(Runnable onChange) {
    if (eventThread != null) {
      throw new IllegalStateException("already started");
    }
    // A quiet period set above the default asks for slower reloads (a tool that writes a bundle file by file, a
    // harness that reloads only on request): a lone save then waits it too, never just the default settle.
    Duration settle = quiet.compareTo(DEFAULT_QUIET) > 0 ? quiet : min(DEFAULT_SETTLE, quiet);
    Debouncer debouncer = new Debouncer(scheduler, settle, quiet, maxDelay, onChange);
    eventThread = SourceThreads.daemon(() -> pollEvents(debouncer), "policy-watch");
    eventThread.start();
  }

  /**
   * Watches the directories that hold {@code files} too (files outside the policy directory, e.g. secrets), in
   * addition to those already watched. Directories that no longer exist are skipped.
   */
  public void watchFilesOf(Collection<Path> files) {
    Set<Path> dirs = new TreeSet<>();
    for (Path file : files) {
      Path parent = file.toAbsolutePath().normalize().getParent();
      if (parent != null) {
        dirs.add(parent);
      }
    }
    watch(dirs);
  }

  private synchronized void watch(Set<Path> dirs) {
    for (Path dir : dirs) {
      if (watched.containsValue(dir) || !Files.isDirectory(dir)) {
        continue;
      }
      try {
        watched.put(dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), dir);
        log.debug("watching {}", dir);
      } catch (IOException e) {
        log.warn("cannot watch {}: {}", dir, e.toString());
      }
    }
  }

  private void pollEvents(Debouncer debouncer) {
    try {
      while (true) {
        WatchKey key = watchService.take();
        // Any event counts, OVERFLOW (events were lost) included: a reload is the right answer to all of them.
        boolean relevant = !key.pollEvents().isEmpty();
        if (!key.reset()) {
          synchronized (this) {
            watched.remove(key);
          }
        }
        if (relevant) {
          debouncer.signal();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      watchService.close();
    } catch (IOException e) {
      log.debug("closing watch service", e);
    }
    synchronized (this) {
      if (eventThread != null) {
        eventThread.interrupt();
      }
    }
    SourceThreads.stop(scheduler);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
