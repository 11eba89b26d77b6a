package io.llmxds.examples.scenarios;

import io.llmxds.examples.mockllm.LoopbackHttpFront;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link LoopbackHttpFront} that hands every request to a {@link PushedConfigRouter}, as Envoy's listener would. */
final class RouterHttpFront implements AutoCloseable {
  private final LoopbackHttpFront front;
  private final AtomicReference<PushedConfigRouter.Served> last;

  private RouterHttpFront(LoopbackHttpFront front, AtomicReference<PushedConfigRouter.Served> last) {
    this.front = front;
    this.last = last;
  }

  static RouterHttpFront start(PushedConfigRouter router) throws IOException {
    AtomicReference<PushedConfigRouter.Served> last = new AtomicReference<>();
    return new RouterHttpFront(LoopbackHttpFront.start(request -> {
      PushedConfigRouter.Served served = router.send(new PushedConfigRouter.Request(request.headers(),
          request.body().length == 0 ? null : new String(request.body(), StandardCharsets.UTF_8)));
      last.set(served);
      return new LoopbackHttpFront.Answer(served.status(), served.headers(), served.body());
    }), last);
  }

  /** The base URL an OpenAI client is given: the OpenAI API's {@code /v1} on this listener. */
  String openAiBaseUrl() {
    return baseUrl() + "/v1";
  }

  /** The listener's root, which an Anthropic client is given. */
  String baseUrl() {
    return "http://127.0.0.1:" + front.port();
  }

  /** What Envoy did with the last request the listener served. */
  PushedConfigRouter.Served lastServed() {
    return last.get();
  }

  @Override
  public void close() {
    front.close();
  }
}
