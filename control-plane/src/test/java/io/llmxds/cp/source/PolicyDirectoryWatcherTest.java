package io.llmxds.cp.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyDirectoryWatcherTest {
  @TempDir Path dir;
  private final AtomicInteger changes = new AtomicInteger();
  private PolicyDirectoryWatcher watcher;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void startWatching() throws IOException {
    watcher = PolicyDirectoryWatcher.watch(dir, PolicyDirectoryWatcher.DEFAULT_QUIET,
        PolicyDirectoryWatcher.DEFAULT_MAX_DELAY);
    watcher.start(changes::incrementAndGet);
  }

  @Test
  void atomicRenameSaveIsSeen() throws IOException {
    Files.writeString(dir.resolve("gateway.yaml"), "a: 1\n");
    startWatching();
    Path tmp = dir.resolve(".gateway.yaml.tmp");
    Files.writeString(tmp, "a: 2\n");
    Files.move(tmp, dir.resolve("gateway.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
  }

  @Test
  void configMapSymlinkSwapIsSeen() throws IOException {
    // The layout kubelet writes: files are links through ..data, which is swapped atomically to a new directory.
    Path v1 = Files.createDirectory(dir.resolve("..2026_11_27_v1"));
    Files.writeString(v1.resolve("gateway.yaml"), "a: 1\n");
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(dir.resolve("gateway.yaml"), Path.of("..data/gateway.yaml"));
    startWatching();

    Path v2 = Files.createDirectory(dir.resolve("..2026_11_27_v2"));
    Files.writeString(v2.resolve("gateway.yaml"), "a: 2\n");
    Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() >= 1);
    assertThat(Files.readString(dir.resolve("gateway.yaml"))).isEqualTo("a: 2\n");
  }

  @Test
  void burstOfSavesGivesOneChange() throws IOException {
    // A quiet period no loaded machine can miss between two of 20 small writes; the default one is exercised end to
    // end in ControlPlaneEndToEndTest.
    Duration quiet = Duration.ofSeconds(1);
    watcher = PolicyDirectoryWatcher.watch(dir, quiet, Duration.ofSeconds(5));
    watcher.start(changes::incrementAndGet);
    Path file = dir.resolve("routes.yaml");
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      Files.writeString(file, "save: " + i + "\n");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(quiet);
    await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() >= 1);
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> changes.get() == 1);
  }

  @Test
  void directoriesOfReferencedFilesAreWatchedToo() throws IOException {
    Path secrets = Files.createDirectory(dir.resolve("secrets"));
    Path key = Files.writeString(secrets.resolve("api-key"), "one\n");
    startWatching();
    watcher.watchFilesOf(List.of(key));
    Files.writeString(key, "two\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() >= 1);
  }
}
