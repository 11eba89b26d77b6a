package io.llmxds.examples.scenarios;

import io.llmxds.examples.mockllm.LoopbackHttpFront;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A {@link LoopbackHttpFront} that hands every request to a {@link PushedConfigRouter}, as Envoy's listener would. */
final class RouterHttpFront implements AutoCloseable {
  private final LoopbackHttpFront front;

  private RouterHttpFront(LoopbackHttpFront front) {
    this.front = front;
  }

  static RouterHttpFront start(PushedConfigRouter router) throws IOException {
    return new RouterHttpFront(LoopbackHttpFront.start(request -> {
      PushedConfigRouter.Served served = router.send(new PushedConfigRouter.Request(request.headers(),
          request.body().length == 0 ? null : new String(request.body(), StandardCharsets.UTF_8)));
      return new LoopbackHttpFront.Answer(served.status(), served.headers(), served.body());
    }));
  }

  /** The base URL an OpenAI client is given: the OpenAI API's {@code /v1} on this listener. */
  String openAiBaseUrl() {
    return "http://127.0.0.1:" + front.port() + "/v1";
  }

  @Override
  public void close() {
    front.close();
  }
}
