package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.publish.PublishedConfig;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.source.EtcdAccess;
import io.llmxds.cp.source.EtcdTarget;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.source.PolicySource;
import io.llmxds.cp.testing.LocalEtcd;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas on one etcd prefix (issue 17, item 4): each revision they read compiles to the same config
 * version and the same resources on every replica, because versions are content hashes and nothing of a replica
 * (start time, host name, port) goes into them.
 */
class ReplicasTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Pattern PUSHED = Pattern.compile("pushed config version (\\S+) to \\S+ at revision (\\d+)");

  @TempDir Path tmp;

  @Test
  void afterEachOfTwentyPushesBothReplicasServeTheSameVersionAndResources() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(); TestTelemetry telemetryA = new TestTelemetry();
        TestTelemetry telemetryB = new TestTelemetry()) {
      String url = etcd.url("/llm-xds/replicas");
      Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
      push(policies, url);
      try (ControlPlane a = replica(url, "a", telemetryA); ControlPlane b = replica(url, "b", telemetryB)) {
        for (int i = 1; i <= 20; i++) {
          PolicyDirs.edit(policies.resolve("routes.yaml"), "weight: " + (91 - i), "weight: " + (90 - i));
          String version = push(policies, url);
          await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.xds().currentConfig().map(PublishedConfig::configVersion)).contains(version);
            assertThat(b.xds().currentConfig().map(PublishedConfig::configVersion)).contains(version);
          });
          // Same version and, resource by resource, the same snapshot for every flavor.
          assertThat(a.xds().currentConfig()).isEqualTo(b.xds().currentConfig());
        }
      }
    }
  }

  private ControlPlane replica(String url, String name, TestTelemetry telemetry) throws Exception {
    return ControlPlane.start(new ControlPlane.Settings(PolicySource.Opener.etcd(EtcdTarget.parse(url),
        EtcdAccess.PLAINTEXT), "127.0.0.1", 0, "127.0.0.1", 0, AdminToken.loadOrCreate(tmp.resolve("token-" + name)),
        PolicyDirectoryWatcher.DEFAULT_QUIET, PolicyDirectoryWatcher.DEFAULT_MAX_DELAY, Optional.empty(),
        ConfigCheck.NONE), telemetry.telemetry());
  }

  private static String push(Path dir, String url) {
    CliRun run = CliRun.of("push", dir.toString(), "--etcd", url);
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    Matcher m = PUSHED.matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    return m.group(1);
  }
}
