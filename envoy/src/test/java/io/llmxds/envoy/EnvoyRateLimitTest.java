package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The example RateLimit through Envoy's local_ratelimit: 100 requests a minute per API key, premium unlimited. */
class EnvoyRateLimitTest extends EnvoyEndToEnd {

  private static final int LIMIT = 100;

  @Test
  void theHundredAndFirstRequestOfAKeyIsAnsweredWith429AndOtherKeysAreNotAffected() {
    for (int i = 1; i <= LIMIT; i++) {
      HttpResponse<String> reply = stack.chat("chat", "request " + i, "x-api-key", "key-1");
      assertThat(reply.statusCode()).as("request %d: %s", i, reply.body()).isEqualTo(200);
    }

    HttpResponse<String> limited = stack.chat("chat", "one too many", "x-api-key", "key-1");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(stack.chat("chat", "first of key-2", "x-api-key", "key-2").statusCode()).isEqualTo(200);
  }

  @Test
  void premiumClientsAreNeverLimited() {
    for (int i = 1; i <= LIMIT + 50; i++) {
      HttpResponse<String> reply =
          stack.chat("chat", "request " + i, "x-api-key", "key-premium", "x-llm-tier", "premium");
      assertThat(reply.statusCode()).as("request %d: %s", i, reply.body()).isEqualTo(200);
    }
  }
}
