package io.llmxds.envoy;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.cp.cli.LlmXds;
import io.llmxds.cp.envoy.EnvoyCheck;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.envoy.EnvoyValidator;
import io.llmxds.cp.envoy.EnvoyVerdict;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.translate.StaticBootstrap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Envoy's verdict ({@code validate --envoy}, {@code serve --envoy-validate}) on the static bootstrap of a
 * policy directory: the examples pass; a Gateway {@code systemCaFile} missing on the Envoy host and a hand-broken TLS
 * cluster fail with Envoy's own message (rows T3, SB2) and exit 1; with the check in the reload, such a change is
 * refused and no xDS client sees a new version. A listener on Envoy's admin port is <em>not</em> caught by validate
 * mode, which binds no socket (row SB3): that test pins the behaviour the source shows. Skipped, with the reason,
 * where no Envoy can run (ENVOY_BIN, or Docker with the docker CLI).
 */
@ExtendWith(RequiresEnvoy.class)
class EnvoyValidateTest {
  private static final Duration PATIENCE = Duration.ofSeconds(180);
  private static final String MISSING_CA = "/nonexistent/llm-xds/ca-certificates.crt";

  @TempDir Path tmp;
  private EnvoyCommand envoy;
  private Path policies;

  @BeforeEach
  void envoyAndPolicies() {
    envoy = EnvoyRuntimes.detect().runtime().orElseThrow().validateCommand();
    Assumptions.assumeTrue(envoy.unavailable().isEmpty(), () -> envoy.unavailable().orElse(""));
    policies = PolicyDirs.copyExamples(tmp.resolve("policies"));
  }

  @Test
  void theExamplePoliciesPass() {
    Run run = validate(policies);

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("accepts it (envoy --mode validate)");
  }

  @Test
  void aSystemCaFileMissingOnTheEnvoyHostFailsWithEnvoysMessage() {
    PolicyDirs.edit(policies.resolve("gateway.yaml"), "  contextPolicy: default",
        "  contextPolicy: default\n  systemCaFile: " + MISSING_CA);

    Run run = validate(policies);

    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    // filesystem_impl.cc:303 via datasource.cc (row T3).
    assertThat(run.out()).contains("rejected the config: ").contains("unable to read file: " + MISSING_CA);
  }

  @Test
  void aHandBrokenTlsClusterFailsWithEnvoysMessage() throws Exception {
    Bootstrap bootstrap = StaticBootstrap.render(compiled(policies).resources());
    Bootstrap.Builder broken = bootstrap.toBuilder();
    Cluster.Builder openai = broken.getStaticResourcesBuilder().getClustersBuilderList().stream()
        .filter(c -> c.getName().equals("provider/openai")).findFirst().orElseThrow();
    UpstreamTlsContext.Builder tls = openai.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class)
        .toBuilder();
    tls.getCommonTlsContextBuilder().getValidationContextBuilder()
        .setTrustedCa(DataSource.newBuilder().setInlineString("not a certificate"));
    openai.getTransportSocketBuilder().setTypedConfig(Any.pack(tls.build()));

    EnvoyVerdict verdict = new EnvoyValidator(envoy, PATIENCE).validate(broken.build());

    assertThat(verdict).isInstanceOf(EnvoyVerdict.Rejected.class);
    // default_validator.cc:83-86 / 104-107; "<inline>": certificate_validation_context_config_impl.cc:18.
    assertThat(((EnvoyVerdict.Rejected) verdict).message())
        .contains("Failed to load trusted CA certificates from <inline>");
  }

  @Test
  void aListenerOnTheAdminPortIsNotCaughtByValidateMode() {
    PolicyDirs.edit(policies.resolve("gateway.yaml"), "    address: 0.0.0.0\n    port: 10000",
        "    address: 127.0.0.1\n    port: 9901");

    Run run = validate(policies);

    // Validate mode creates no listen socket and never starts the admin listener (validation_listener_manager.h:
    // 45-53, config_validation/admin.cc:23-25): the collision shows only when a real Envoy binds (a NACK).
    assertThat(run.exit()).as(run.out()).isZero();
  }

  @Test
  void withTheCheckInTheReloadARefusedChangeIsNeverPushed() throws Exception {
    EnvoyCheck check = new EnvoyCheck(new EnvoyValidator(envoy, PATIENCE));
    try (LiveControlPlane live = LiveControlPlane.start(Files.createDirectory(tmp.resolve("cp")), check)) {
      AdsTestClient node = live.connectSynced("envoy-validate-a");
      Map<String, Integer> received = node.counts();
      String cds = node.ackedVersion(CDS).orElseThrow();

      PolicyDirs.edit(live.policies().resolve("gateway.yaml"), "  contextPolicy: default",
          "  contextPolicy: default\n  systemCaFile: " + MISSING_CA);
      var refused = live.postReload();

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("unable to read file: " + MISSING_CA);
      assertThat(node.counts()).isEqualTo(received);
      assertThat(node.ackedVersion(CDS)).contains(cds);
    }
  }

  private Run validate(Path dir) {
    StringWriter out = new StringWriter();
    int exit = LlmXds.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
        .execute("validate", "--envoy", spec(envoy), "--envoy-timeout", String.valueOf(PATIENCE.toSeconds()),
            dir.toString());
    return new Run(exit, out.toString());
  }

  /** The {@code --envoy} argument naming {@code envoy}. */
  private static String spec(EnvoyCommand envoy) {
    return envoy instanceof EnvoyCommand.Local local ? local.binary().toString()
        : "docker:" + ((EnvoyCommand.Docker) envoy).image();
  }

  private static PolicyCompiler.Compiled compiled(Path dir) {
    return (PolicyCompiler.Compiled) PolicyCompiler.compile(dir);
  }

  private record Run(int exit, String out) {}
}
