package io.llmxds.filters.extproc;

import static io.llmxds.filters.extproc.ContextService.jsonResponseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random mutations of valid bodies of each API: every one is either forwarded or answered by a well-formed JSON 400
 * or 413 of the service, and none makes the service fail (its internal-error count stays 0).
 */
class LlmApiFuzzTest {
  private static final int ITERATIONS = 300;
  private static final String MUTATIONS = "{}[]\",:0-.e\\ntruefalsenull\u00e9\u0000";
  private final ContextService service = new ContextService(4096);

  @AfterEach
  void close() {
    service.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}",
      "/v1/completions|{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":5}",
      "/v1/embeddings|{\"model\":\"m\",\"input\":[\"a\",\"b\"]}",
      "/v1/responses|{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
      "/v1/moderations|{\"model\":\"m\",\"input\":\"hi\"}",
      "/v1/images/generations|{\"model\":\"m\",\"prompt\":\"a cat\",\"n\":1}",
      "/v1/messages|{\"model\":\"m\",\"max_tokens\":9,\"system\":[{\"type\":\"text\",\"text\":\"s\"}],"
          + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"})
  void everyMutatedBodyIsForwardedOrRefusedInJson(String path, String valid) throws Exception {
    Random random = new Random(path.hashCode());
    int refused = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      String body = mutate(valid, random);
      FakeEnvoy.Answers answers = service.envoy.exchange(new FakeEnvoy.Http(Map.of(),
          FakeEnvoy.headers(":method", "POST", ":path", path, "x-session-id", "fuzz"), body,
          jsonResponseHeaders(), List.of("{}".getBytes(StandardCharsets.UTF_8))));
      if (answers.localReply().isPresent()) {
        refused++;
        FakeEnvoy.LocalReply reply = answers.localReply().get();
        assertThat(reply.status()).as(body).isIn(400, 413);
        JsonNode error = JsonBody.JSON.readTree(reply.body());
        assertThat(error.path("error").path("message").isTextual()).as(reply.body()).isTrue();
      } else {
        assertThat(answers.forwarded()).as(body).isNotNull();
      }
    }
    assertThat(refused).as("some mutations break the body").isPositive();
    assertThat(service.counter(ServiceMetrics.ERRORS, "stage", "internal")).isZero();
  }

  /** One to three random edits: a character deleted, inserted or replaced by one that matters to JSON. */
  static String mutate(String body, Random random) {
    StringBuilder mutated = new StringBuilder(body);
    for (int edits = 1 + random.nextInt(3); edits > 0 && mutated.length() > 0; edits--) {
      int at = random.nextInt(mutated.length());
      char c = MUTATIONS.charAt(random.nextInt(MUTATIONS.length()));
      switch (random.nextInt(3)) {
        case 0 -> mutated.deleteCharAt(at);
        case 1 -> mutated.insert(at, c);
        default -> mutated.setCharAt(at, c);
      }
    }
    return mutated.toString();
  }
}
