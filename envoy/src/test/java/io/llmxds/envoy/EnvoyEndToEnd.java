package io.llmxds.envoy;

import io.llmxds.envoy.EdgePolicies.HttpsRoute;
import io.llmxds.envoy.EdgePolicies.TestConsumer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh {@link EdgeStack} (real Envoy included) per test, so that no test sees another's policy edits, rate-limit
 * buckets or conversations. Skipped, with the reason, where no Envoy can run.
 */
@ExtendWith(RequiresEnvoy.class)
abstract class EnvoyEndToEnd {

  @TempDir
  Path tmp;

  EdgeStack stack;

  @BeforeEach
  void startStack() throws Exception {
    stack = EdgeStack.start(tmp, EnvoyRuntimes.detect().runtime().orElseThrow(), httpsRoutes(), consumers());
  }

  /** The https providers (served by the stack's TLS mock) a test needs in the policies before Envoy starts. */
  List<HttpsRoute> httpsRoutes() {
    return List.of();
  }

  /** The Consumers a test needs (none: the examples' anonymous gateway). */
  List<TestConsumer> consumers() {
    return List.of();
  }

  @AfterEach
  void stopStack() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }
}
