package io.llmxds.examples.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bin/run} serves xDS and ext_proc in plaintext, so it binds loopback only. */
class LocalStackCommandTest {

  @Test
  void aNonLoopbackAddressIsRefusedBeforeAnythingStarts() {
    StringWriter err = new StringWriter();
    CommandLine cli = LocalStack.commandLine().setErr(new PrintWriter(err, true));

    assertThat(cli.execute("--address", "0.0.0.0", "--envoy", "off")).isEqualTo(2);
    assertThat(err.toString()).contains("--address 0.0.0.0 is not a loopback address: the local stack serves xDS"
        + " (provider credentials included) and ext_proc in plaintext");
  }
}
