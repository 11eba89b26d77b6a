package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.cp.translate.Names;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Every request Envoy serves says which config version served it: in its trace span and in a response header. */
class EnvoyTracingTest extends EnvoyEndToEnd {

  private static final String ENVOY_SERVICE = "llm-xds-envoy";

  @Test
  void theRequestSpanAndTheResponseCarryTheConfigVersionThatServedThem() {
    String first = stack.servedVersion();
    HttpResponse<String> reply = stack.chat("chat", "traced", "x-llm-tier", "premium");
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().firstValue(Names.CONFIG_VERSION_HEADER)).hasValue(first);
    awaitRequestSpan(first, "chat");

    stack.edit("routes.yaml", "weight: 90", "weight: 80");
    stack.apply();
    String second = stack.servedVersion();
    assertThat(second).isNotEqualTo(first);
    HttpResponse<String> after = stack.chat("chat", "traced again", "x-llm-tier", "premium");
    assertThat(after.headers().firstValue(Names.CONFIG_VERSION_HEADER)).hasValue(second);
    awaitRequestSpan(second, "chat");
  }

  /** Envoy batches spans (every 5 s by default): wait for one tagged with {@code version} and {@code modelRoute}. */
  private void awaitRequestSpan(String version, String modelRoute) {
    await().atMost(EdgeStack.PATIENCE).untilAsserted(() -> assertThat(stack.traces().spans())
        .filteredOn(s -> s.service().equals(ENVOY_SERVICE))
        .anySatisfy(s -> {
          assertThat(s.attributes()).containsEntry(Names.CONFIG_VERSION_TAG, version);
          assertThat(s.attributes()).containsEntry(Names.MODEL_ROUTE_TAG, modelRoute);
        }));
  }
}
