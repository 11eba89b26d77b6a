package io.llmxds.filters.unified;

import static io.llmxds.filters.unified.UnifiedSamples.ANTHROPIC_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.OPENAI_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.bytes;
import static io.llmxds.filters.unified.UnifiedSamples.events;
import static io.llmxds.filters.unified.UnifiedSamples.translateEveryChunking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.unified.UnifiedSamples.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Streams both ways, each fed whole, byte by byte and in random cuts (the same client bytes each time), the client's
 * events parsed back: their order, the text, the tool-call arguments reassembled, the finish reason, the usage.
 */
class StreamTranslationTest {

  @Test
  void anthropicStreamAsChatChunks() {
    List<Event> events = events(translateEveryChunking(OPENAI_CLIENT::stream, bytes("anthropic-stream.sse")));

    assertThat(events.get(events.size() - 1).done()).isTrue();
    List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Event::data).toList();
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(c.get("id").asText()).isEqualTo("chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U");
      assertThat(c.get("created").asLong()).isEqualTo(1_700_000_000);
    });
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(chunks.stream().map(c -> c.at("/choices/0/delta/content").asText("")).collect(Collectors.joining()))
        .isEqualTo("Paris — 15 °C ☀️, let me check tomorrow.");
    List<JsonNode> calls = chunks.stream().flatMap(c -> stream(c.at("/choices/0/delta/tool_calls"))).toList();
    assertThat(calls.get(0).get("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(calls).allSatisfy(c -> assertThat(c.get("index").asInt()).isZero());
    assertThat(calls.stream().map(c -> c.at("/function/arguments").asText()).collect(Collectors.joining()))
        .isEqualTo("{\"location\": \"Paris, France\"}");
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode usage = chunks.get(chunks.size() - 1);
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(472);
    assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(89);
    assertThat(usage.at("/usage/total_tokens").asLong()).isEqualTo(561);
    assertThat(chunks.subList(0, chunks.size() - 2))
        .allSatisfy(c -> assertThat(c.at("/choices/0/finish_reason").isNull()).isTrue());
  }

  @Test
  void chatChunksAsAnthropicStream() {
    List<Event> events = events(translateEveryChunking(ANTHROPIC_CLIENT::stream, bytes("openai-stream.sse")));

    assertThat(events.stream().map(Event::name)).containsExactly("message_start",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
        "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop");
    JsonNode start = events.get(0).data().get("message");
    assertThat(start.get("id").asText()).isEqualTo("msg_chatcmpl-123");
    assertThat(start.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(start.at("/usage/input_tokens").asLong()).isZero();
    assertThat(text(events, 0)).isEqualTo("Paris — 15 °C ☀️, let me check tomorrow.");
    assertThat(events.get(5).data().get("content_block").toString())
        .isEqualTo("{\"type\":\"tool_use\",\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"name\":\"get_weather\","
            + "\"input\":{}}");
    assertThat(arguments(events, 1)).isEqualTo("{\"location\": \"Paris, France\"}");
    assertThat(events.get(10).data().at("/content_block/name").asText()).isEqualTo("get_time");
    assertThat(arguments(events, 2)).isEqualTo("{}");
    JsonNode delta = events.get(13).data();
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(46);
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(1117 - 1024);
    assertThat(delta.at("/usage/cache_read_input_tokens").asLong()).isEqualTo(1024);
  }

  @Test
  void anUpstreamErrorEventBecomesTheClientsErrorThenTheEnd() {
    String anthropic = "event: message_start\ndata: " + firstLineData("anthropic-stream.sse") + "\n\n"
        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    List<Event> events = events(translateEveryChunking(OPENAI_CLIENT::stream, utf8(anthropic)));
    assertThat(events).hasSize(2);
    assertThat(events.get(1).data().toString()).isEqualTo("{\"error\":{\"message\":\"Overloaded\","
        + "\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded_error\"}}");

    String openAi = "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n"
        + "data: [DONE]\n\n";
    List<Event> anthropicEvents = events(translateEveryChunking(ANTHROPIC_CLIENT::stream, utf8(openAi)));
    assertThat(anthropicEvents).hasSize(1);
    assertThat(anthropicEvents.get(0).data().toString())
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The server had an error\"}}");
  }

  @Test
  void aTruncatedOrGarbledStreamEndsWithAnErrorEvent() {
    String full = new String(bytes("anthropic-stream.sse"), StandardCharsets.UTF_8);
    String beforeTheEnd = full.substring(0, full.indexOf("event: message_delta"));
    List<Event> events = events(translateEveryChunking(OPENAI_CLIENT::stream, utf8(beforeTheEnd)));
    assertThat(events.get(events.size() - 1).data().at("/error/message").asText())
        .isEqualTo("the provider's stream ended before message_stop");
    assertThat(events).noneMatch(Event::done);
    // Cut inside an event: its last line is no JSON.
    List<Event> cut = events(translateEveryChunking(OPENAI_CLIENT::stream, utf8(full.substring(0, full.length() / 2))));
    assertThat(cut.get(cut.size() - 1).data().at("/error/message").asText()).startsWith("the provider's stream");

    List<Event> garbled = events(translateEveryChunking(ANTHROPIC_CLIENT::stream,
        utf8("data: " + firstLineData("openai-stream.sse") + "\n\ndata: {not json\n\ndata: [DONE]\n\n")));
    assertThat(garbled.stream().map(Event::name)).containsExactly("message_start", "error");
    assertThat(garbled.get(1).data().at("/error/message").asText())
        .isEqualTo("the provider's stream sent an event that is not JSON");

    byte[] invalidUtf8 = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xc3, '\n', '\n'};
    assertThat(events(translateEveryChunking(OPENAI_CLIENT::stream, invalidUtf8)).get(0).data()
        .at("/error/message").asText()).isEqualTo("the provider's stream is not valid UTF-8");

    List<Event> noStart = events(translateEveryChunking(OPENAI_CLIENT::stream,
        utf8("data: {\"type\":\"content_block_delta\",\"index\":0}\n\n")));
    assertThat(noStart.get(0).data().at("/error/message").asText()).contains("must begin with message_start");
  }

  @Test
  void aStreamedRefusalStopsAsARefusal() {
    String stream = "data: {\"id\":\"c1\",\"model\":\"gpt\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
        + "\"assistant\",\"refusal\":\"I can't help.\"}}]}\n\n"
        + "data: {\"id\":\"c1\",\"model\":\"gpt\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n";
    List<Event> events = events(translateEveryChunking(ANTHROPIC_CLIENT::stream, utf8(stream)));
    assertThat(text(events, 0)).isEqualTo("I can't help.");
    assertThat(events.get(events.size() - 2).data().at("/delta/stop_reason").asText()).isEqualTo("refusal");
  }

  @Test
  void anEventWithoutEndIsBounded() {
    StreamTranslation translation = ANTHROPIC_CLIENT.stream();
    byte[] piece = new byte[64 * 1024];
    java.util.Arrays.fill(piece, (byte) 'a');
    ByteString out = ByteString.EMPTY;
    for (int i = 0; i < 20; i++) {
      out = out.concat(translation.feed(ByteString.copyFrom(piece), false));
    }
    List<Event> events = events(out.concat(translation.feed(ByteString.copyFrom(piece), true)));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).data().at("/error/message").asText())
        .isEqualTo("the provider's stream sent an event larger than 1048576 bytes");
  }

  @Test
  void anOpenAiStreamWithoutDoneButWithItsFinishIsComplete() {
    String stream = new String(bytes("openai-stream.sse"), StandardCharsets.UTF_8).replace("data: [DONE]\n\n", "");
    List<Event> events = events(translateEveryChunking(ANTHROPIC_CLIENT::stream, utf8(stream)));
    assertThat(events.get(events.size() - 1).name()).isEqualTo("message_stop");
  }

  private static String text(List<Event> events, int block) {
    return deltas(events, block, "/delta/text");
  }

  private static String arguments(List<Event> events, int block) {
    return deltas(events, block, "/delta/partial_json");
  }

  private static String deltas(List<Event> events, int block, String pointer) {
    return events.stream().map(Event::data)
        .filter(e -> e.path("type").asText().equals("content_block_delta") && e.get("index").asInt() == block)
        .map(e -> e.at(pointer).asText()).collect(Collectors.joining());
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static String firstLineData(String sample) {
    String text = new String(bytes(sample), StandardCharsets.UTF_8);
    int at = text.indexOf("data: ") + 6;
    return text.substring(at, text.indexOf('\n', at));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
