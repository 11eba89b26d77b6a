package io.llmxds.filters.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The service's refusals as OpenAI's API words them, {@code {"error":{"message","type","code"}}}, so that SDKs show
 * them as they show OpenAI's own (docs/context-protocol.md "Authentication"). No message ever quotes a key.
 */
public final class OpenAiErrors {
  public static final String CONTENT_TYPE = "application/json";
  public static final String MISSING_KEY_MESSAGE = "Missing API key. Send it as 'Authorization: Bearer <key>', "
      + "'x-api-key: <key>' or 'api-key: <key>'.";
  public static final String INVALID_KEY_MESSAGE = "Incorrect API key provided.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INVALID_REQUEST = "invalid_request_error";

  private OpenAiErrors() {}

  /** 401: the request names no key. */
  public static String missingKey() {
    return error(MISSING_KEY_MESSAGE, "missing_api_key");
  }

  /** 401: the key is nobody's (or the request did not come through the gateway's key check). */
  public static String invalidKey() {
    return error(INVALID_KEY_MESSAGE, "invalid_api_key");
  }

  /** 403: the consumer may not call the ModelRoute that serves {@code model}. */
  public static String modelNotAllowed(String model) {
    return error("The model '" + model + "' is not available to this API key.", "model_not_allowed");
  }

  private static String error(String message, String code) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", INVALID_REQUEST).put("code", code);
    return body.toString();
  }
}
