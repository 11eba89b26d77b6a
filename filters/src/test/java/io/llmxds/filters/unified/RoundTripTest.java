package io.llmxds.filters.unified;

import static io.llmxds.filters.unified.UnifiedSamples.ANTHROPIC_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.JSON;
import static io.llmxds.filters.unified.UnifiedSamples.OPENAI_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.bytes;
import static io.llmxds.filters.unified.UnifiedSamples.events;
import static io.llmxds.filters.unified.UnifiedSamples.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * There and back: an OpenAI request through Anthropic's format and back says the same (for the translatable subset,
 * up to the forms both APIs take as equal: a string or one text part, {@code stop} as a string or a list, arguments
 * as any JSON spelling), and so does an Anthropic request through OpenAI's; a stream through both translators keeps
 * its text, tool calls, stop reason and usage.
 */
class RoundTripTest {

  @Test
  void openAiRequestThereAndBack() throws Untranslatable {
    ObjectNode request = json("openai-request.json");
    for (String hint : ChatToMessagesRequest.DROPPED) {
      request.remove(hint);
    }
    request.remove("n");

    ObjectNode back = ANTHROPIC_CLIENT.request(OPENAI_CLIENT.request(request.deepCopy()));

    assertThat(openAiSemantics(back)).isEqualTo(openAiSemantics(request));
  }

  @Test
  void anthropicRequestThereAndBack() throws Untranslatable {
    ObjectNode request = json("anthropic-request.json");

    ObjectNode back = OPENAI_CLIENT.request(ANTHROPIC_CLIENT.request(request.deepCopy()));

    assertThat(anthropicSemantics(back)).isEqualTo(anthropicSemantics(request));
  }

  @Test
  void aStreamThroughBothTranslators() {
    ByteString chunks = OPENAI_CLIENT.stream().feed(ByteString.copyFrom(bytes("anthropic-stream.sse")), true);
    List<UnifiedSamples.Event> events = events(ANTHROPIC_CLIENT.stream().feed(chunks, true));

    String text = events.stream().map(UnifiedSamples.Event::data)
        .filter(e -> e.at("/delta/type").asText().equals("text_delta")).map(e -> e.at("/delta/text").asText())
        .collect(Collectors.joining());
    assertThat(text).isEqualTo("Paris — 15 °C ☀️, let me check tomorrow.");
    String arguments = events.stream().map(UnifiedSamples.Event::data)
        .filter(e -> e.at("/delta/type").asText().equals("input_json_delta"))
        .map(e -> e.at("/delta/partial_json").asText()).collect(Collectors.joining());
    assertThat(arguments).isEqualTo("{\"location\": \"Paris, France\"}");
    JsonNode delta = events.get(events.size() - 2).data();
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(472);
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(89);
  }

  /** An OpenAI request in one spelling: every content as parts, system texts as one list, defaults written out. */
  private static JsonNode openAiSemantics(ObjectNode request) {
    ObjectNode out = request.deepCopy();
    if (out.has("max_tokens")) {
      out.set("max_completion_tokens", out.remove("max_tokens"));
    }
    if (out.path("stop").isTextual()) {
      out.set("stop", JSON.createArrayNode().add(out.get("stop")));
    }
    ArrayNode messages = JSON.createArrayNode();
    ArrayNode system = JSON.createArrayNode();
    for (JsonNode message : request.get("messages")) {
      ObjectNode copy = message.deepCopy();
      String role = copy.get("role").asText();
      copy.set("content", parts(copy.get("content")));
      for (JsonNode call : copy.path("tool_calls")) {
        ObjectNode function = (ObjectNode) call.get("function");
        function.set("arguments", arguments(function.get("arguments").asText()));
      }
      if (role.equals("system") || role.equals("developer")) {
        system.addAll((ArrayNode) copy.get("content"));
      } else {
        messages.add(copy);
      }
    }
    messages.insert(0, JSON.createObjectNode().put("role", "system").set("content", system));
    out.set("messages", messages);
    for (JsonNode tool : out.path("tools")) {
      ObjectNode function = (ObjectNode) tool.get("function");
      if (!function.has("parameters")) {
        function.set("parameters", JSON.createObjectNode().put("type", "object").set("properties",
            JSON.createObjectNode()));
      }
    }
    return reparsed(out);
  }

  private static JsonNode parts(JsonNode content) {
    if (content == null || content.isNull()) {
      return JSON.createArrayNode();
    }
    if (content.isTextual()) {
      return JSON.createArrayNode().add(JSON.createObjectNode().put("type", "text").put("text", content.asText()));
    }
    ArrayNode parts = content.deepCopy();
    for (JsonNode part : parts) {
      if (part.has("image_url")) {
        ((ObjectNode) part.get("image_url")).remove("detail");
      }
    }
    return parts;
  }

  /** An Anthropic request in one spelling: content and system as blocks, without the hints. */
  private static JsonNode anthropicSemantics(ObjectNode request) {
    ObjectNode out = request.deepCopy();
    out.set("system", blocks(out.get("system")));
    for (JsonNode message : out.get("messages")) {
      ((ObjectNode) message).set("content", blocks(message.get("content")));
      for (JsonNode block : message.get("content")) {
        if (block.path("type").asText().equals("tool_result")) {
          ((ObjectNode) block).set("content", blocks(block.get("content")));
        }
      }
    }
    return reparsed(out);
  }

  private static ArrayNode blocks(JsonNode content) {
    ArrayNode blocks = content.isTextual()
        ? JSON.createArrayNode().add(JSON.createObjectNode().put("type", "text").put("text", content.asText()))
        : content.deepCopy();
    blocks.forEach(b -> ((ObjectNode) b).remove("cache_control"));
    return blocks;
  }

  private static JsonNode arguments(String text) {
    try {
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode reparsed(JsonNode node) {
    try {
      return JSON.readTree(node.toString());
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
