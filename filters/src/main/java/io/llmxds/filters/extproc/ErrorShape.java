package io.llmxds.filters.extproc;

import io.llmxds.filters.auth.OpenAiErrors;
import io.llmxds.filters.unified.ApiErrors;

/**
 * The service's own refusals in the words of the API the client called, so that its SDK shows them as the provider's
 * own: OpenAI's {@code {"error":{"message","type","param","code"}}} or Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}. No message quotes a key.
 */
enum ErrorShape {
  OPENAI {
    @Override
    String unauthenticated() {
      return OpenAiErrors.invalidKey();
    }

    @Override
    String modelNotAllowed(String model) {
      return OpenAiErrors.modelNotAllowed(model);
    }

    @Override
    String tooLarge(String message) {
      return openAi(message, "invalid_request_error", null, "request_too_large");
    }

    @Override
    String contextUnavailable() {
      return Responses.CONTEXT_UNAVAILABLE_BODY;
    }

    @Override
    String invalidRequest(String param, String message) {
      return openAi(message, "invalid_request_error", param, "invalid_request_body");
    }
  },
  ANTHROPIC {
    @Override
    String unauthenticated() {
      return anthropic("authentication_error", OpenAiErrors.INVALID_KEY_MESSAGE);
    }

    @Override
    String modelNotAllowed(String model) {
      return anthropic("permission_error", "The model '" + model + "' is not available to this API key.");
    }

    @Override
    String tooLarge(String message) {
      return anthropic("request_too_large", message);
    }

    @Override
    String contextUnavailable() {
      return anthropic("api_error", "conversation context unavailable");
    }

    @Override
    String invalidRequest(String param, String message) {
      return anthropic("invalid_request_error", param.isEmpty() ? message : param + ": " + message);
    }
  };

  /** 401: the request names none of the gateway's consumers. */
  abstract String unauthenticated();

  /** 403: the consumer may not call the ModelRoute that serves {@code model}. */
  abstract String modelNotAllowed(String model);

  /** 413: the body is larger than the service reads. */
  abstract String tooLarge(String message);

  /** 503: failure mode {@code closed} and the context store cannot be read. */
  abstract String contextUnavailable();

  /** 400: the body is not what the API takes; {@code param} names the field ("" for the body as a whole). */
  abstract String invalidRequest(String param, String message);

  private static String openAi(String message, String type, String param, String code) {
    return ApiErrors.openAi(message, type, param, code).toString();
  }

  private static String anthropic(String type, String message) {
    return ApiErrors.anthropic(type, message).toString();
  }
}
