package io.llmxds.bench.context;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What Envoy sends on one ext_proc stream for a chat request (request headers, the buffered request body, response
 * headers, the buffered JSON response body with usage), for a session drawn from a fixed set.
 */
final class ChatTraffic {
  static final String SESSION_HEADER = "x-session-id";

  private static final ProcessingRequest RESPONSE_HEADERS = ProcessingRequest.newBuilder()
      .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(headers(
          ":status", "200", "content-type", "application/json", "content-length", "291")))
      .build();
  private static final ProcessingRequest RESPONSE_BODY = ProcessingRequest.newBuilder()
      .setResponseBody(HttpBody.newBuilder().setEndOfStream(true).setBody(ByteString.copyFromUtf8(
          "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
              + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"Mostly sunny, 21 degrees, "
              + "light wind from the west.\"}}],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":12,"
              + "\"total_tokens\":54}}")))
      .build();

  private final ProcessingRequest[] requestHeaders;

  ChatTraffic(int sessions) {
    requestHeaders = new ProcessingRequest[sessions];
    for (int i = 0; i < sessions; i++) {
      requestHeaders[i] = ProcessingRequest.newBuilder()
          .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headers(":method", "POST",
              ":path", "/v1/chat/completions", ":authority", "gateway", "content-type", "application/json",
              SESSION_HEADER, "bench-session-" + i)))
          .build();
    }
  }

  /** The four messages of one request, in the order Envoy sends them. */
  List<ProcessingRequest> nextRequest() {
    int session = ThreadLocalRandom.current().nextInt(requestHeaders.length);
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in city "
        + session + " tomorrow, and should I take an umbrella?\"}]}";
    return List.of(requestHeaders[session],
        ProcessingRequest.newBuilder()
            .setRequestBody(HttpBody.newBuilder().setBody(ByteString.copyFromUtf8(body)).setEndOfStream(true))
            .build(),
        RESPONSE_HEADERS, RESPONSE_BODY);
  }

  private static HeaderMap headers(String... pairs) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      map.addHeaders(HeaderValue.newBuilder().setKey(pairs[i]).setRawValue(ByteString.copyFromUtf8(pairs[i + 1])));
    }
    return map.build();
  }
}
