package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.cp.translate.Names;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bodies near and over the Gateway's requestBufferLimit (8Mi in the examples). ext_proc buffers a whole body and
 * sends it as one message (docs/envoy-semantics.md X7), so a 6 MB prompt — over gRPC's 4 MiB default — must still be
 * routed by its model; a body over the listener's buffer (H1) gets Envoy's 413 (H2), which the HCM's
 * local_reply_config rewrites into an OpenAI-style error (H3). Never the 404 of a request that lost its model (X14).
 */
class EnvoyLargeBodyTest extends EnvoyEndToEnd {

  private static final int PROMPT_CHARS = 6_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSixMegabytePromptIsRoutedByItsModelAndReachesTheBackendWhole() throws IOException {
    String prompt = pastedFile(PROMPT_CHARS);
    assertThat(PROMPT_CHARS + 1_000L).as("the body fits the buffer").isLessThan(stack.requestBufferLimit());

    HttpResponse<String> reply = stack.chat("chat", prompt);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().firstValue(Names.ROUTE_VERSION_HEADER)).hasValue(stack.routeVersion("chat"));
    assertThat(reply.headers().firstValue("x-llm-backend").orElseThrow()).isIn("mock-a", "mock-b");
    // The mock counts every character it received (one token per four): the whole prompt arrived.
    assertThat(JSON.readTree(reply.body()).at("/usage/prompt_tokens").asLong()).isEqualTo(PROMPT_CHARS / 4);
    assertThat(EdgeStack.answer(reply)).contains(prompt.substring(0, 100));
  }

  @Test
  void aBodyOverTheGatewaysBufferGetsAnOpenAiStyle413() throws IOException {
    long limit = stack.requestBufferLimit();

    HttpResponse<String> reply = stack.chat("chat", pastedFile((int) limit + (1 << 20)));

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(413);
    assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = JSON.readTree(reply.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("request_too_large");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText())
        .isEqualTo("request body exceeds the gateway's limit of " + limit + " bytes");
    assertThat(stack.mock("mock-a").requests() + stack.mock("mock-b").requests()).isZero();
  }

  /** {@code chars} of base64, as a pasted file or image would be: JSON needs no escapes, nothing repeats. */
  private static String pastedFile(int chars) {
    byte[] bytes = new byte[chars / 4 * 3];
    new Random(7).nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
