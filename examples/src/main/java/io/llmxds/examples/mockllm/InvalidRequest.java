package io.llmxds.examples.mockllm;

/** A chat request the mock refuses with 400, as OpenAI does: {@code message} says what is wrong. */
final class InvalidRequest extends Exception {
  private final String code;

  InvalidRequest(String message, String code) {
    super(message);
    this.code = code;
  }

  String code() {
    return code;
  }
}
