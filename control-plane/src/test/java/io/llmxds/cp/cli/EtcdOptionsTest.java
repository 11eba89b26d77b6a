package io.llmxds.cp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad etcd options stop serve and push before anything starts, with the reason (exit 2, like every bad option). */
class EtcdOptionsTest {

  @Test
  void aSourceWithoutAPrefixIsRefused() {
    CliRun run = CliRun.of("serve", "--source", "etcd://127.0.0.1:2379", "--admin-port", "0", "--xds-port", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("say which key prefix holds the bundle");
  }

  @Test
  void aClientCertificateWithoutACaIsRefused() {
    CliRun run = CliRun.of("push", "../examples/policies", "--etcd", "etcd://127.0.0.1:1/p", "--etcd-cert", "c.pem",
        "--etcd-key", "c.key");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--etcd-cert needs --etcd-ca");
  }
}
