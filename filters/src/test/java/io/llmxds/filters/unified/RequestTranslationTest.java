package io.llmxds.filters.unified;

import static io.llmxds.filters.unified.UnifiedSamples.ANTHROPIC_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.JSON;
import static io.llmxds.filters.unified.UnifiedSamples.OPENAI_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.assertGolden;
import static io.llmxds.filters.unified.UnifiedSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests both ways: the doc-shaped samples against golden files, the defaults, and what is refused, by field. */
class RequestTranslationTest {

  @Test
  void directionsAndPaths() {
    assertThat(ApiTranslation.between(WireApi.OPENAI_CHAT, WireApi.OPENAI_CHAT)).isEmpty();
    assertThat(ApiTranslation.between(WireApi.ANTHROPIC_MESSAGES, WireApi.ANTHROPIC_MESSAGES)).isEmpty();
    assertThat(OPENAI_CLIENT.client()).isEqualTo(WireApi.OPENAI_CHAT);
    assertThat(OPENAI_CLIENT.providerPath()).isEqualTo("/messages");
    assertThat(ANTHROPIC_CLIENT.provider()).isEqualTo(WireApi.OPENAI_CHAT);
    assertThat(ANTHROPIC_CLIENT.providerPath()).isEqualTo("/chat/completions");
    assertThat(WireApi.of("/v1/messages?beta=true")).contains(WireApi.ANTHROPIC_MESSAGES);
    assertThat(WireApi.of("/v1/chat/completions")).contains(WireApi.OPENAI_CHAT);
    assertThat(WireApi.of("/v1/embeddings")).isEmpty();
  }

  @Test
  void openAiRequestAsAnthropic() throws Untranslatable {
    ObjectNode translated = OPENAI_CLIENT.request(json("openai-request.json"));

    assertGolden("openai-request.as-anthropic.json", translated);
    assertThat(translated.get("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(translated.get("system").findValuesAsText("text"))
        .containsExactly("You are a helpful assistant.", "Answer in English.");
  }

  @Test
  void anthropicRequestAsOpenAi() throws Untranslatable {
    ObjectNode translated = ANTHROPIC_CLIENT.request(json("anthropic-request.json"));

    assertGolden("anthropic-request.as-openai.json", translated);
    assertThat(translated.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(translated.get("parallel_tool_calls").asBoolean()).isFalse();
  }

  /** The downstream phase only checks that a body translates and sends the client's own on (UnifiedApiCheck). */
  @Test
  void aTranslatedRequestLeavesTheClientsBodyAsItWas() throws Untranslatable {
    for (String sample : new String[] {"openai-request.json", "anthropic-request.json"}) {
      ObjectNode body = json(sample);
      ObjectNode before = body.deepCopy();
      (sample.startsWith("openai") ? OPENAI_CLIENT : ANTHROPIC_CLIENT).request(body);
      assertThat(body).as(sample).isEqualTo(before);
    }
  }

  @Test
  void anthropicNeedsMaxTokensAndGetsTheDefault() throws Untranslatable {
    ObjectNode request = JSON.createObjectNode().put("model", "m");
    request.putArray("messages").addObject().put("role", "user").put("content", "hi");

    ObjectNode translated = OPENAI_CLIENT.request(request);

    assertThat(translated.get("max_tokens").asLong()).isEqualTo(ChatToMessagesRequest.DEFAULT_MAX_TOKENS)
        .isEqualTo(4096);
    assertThat(translated.get("messages")).isEqualTo(JSON.createArrayNode().add(JSON.createObjectNode()
        .put("role", "user").set("content", JSON.createArrayNode().add(JSON.createObjectNode().put("type", "text")
            .put("text", "hi")))));
    assertThat(OPENAI_CLIENT.request(request.put("max_tokens", 10)).get("max_tokens").asLong()).isEqualTo(10);
    assertThat(OPENAI_CLIENT.request(request.put("max_completion_tokens", 20)).get("max_tokens").asLong())
        .isEqualTo(20);
  }

  @Test
  void toolChoicesBothWays() throws Untranslatable {
    String[][] pairs = {
        {"\"auto\"", "{\"type\":\"auto\"}"},
        {"\"none\"", "{\"type\":\"none\"}"},
        {"\"required\"", "{\"type\":\"any\"}"},
        {"{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", "{\"type\":\"tool\",\"name\":\"get_weather\"}"},
    };
    for (String[] pair : pairs) {
      ObjectNode openAi = json("openai-request.json");
      openAi.remove("parallel_tool_calls");
      openAi.set("tool_choice", read(pair[0]));
      assertThat(OPENAI_CLIENT.request(openAi).get("tool_choice")).as(pair[0]).isEqualTo(read(pair[1]));

      ObjectNode anthropic = json("anthropic-request.json");
      anthropic.set("tool_choice", read(pair[1]));
      ObjectNode back = ANTHROPIC_CLIENT.request(anthropic);
      assertThat(back.get("tool_choice")).as(pair[1]).isEqualTo(read(pair[0]));
      assertThat(back.has("parallel_tool_calls")).isFalse();
    }
  }

  @ParameterizedTest(name = "OpenAI {0}")
  @CsvSource(delimiter = '|', textBlock = """
      n                        | {"n":2}                                                   | n
      logprobs                 | {"logprobs":true}                                         | logprobs
      top_logprobs             | {"top_logprobs":2}                                        | top_logprobs
      audio                    | {"audio":{"voice":"alloy","format":"mp3"}}                | audio
      audio modality           | {"modalities":["text","audio"]}                           | modalities[1]
      json_schema              | {"response_format":{"type":"json_schema","json_schema":{}}} | response_format
      json_object              | {"response_format":{"type":"json_object"}}                | response_format
      penalty                  | {"frequency_penalty":0.5}                                 | frequency_penalty
      logit_bias               | {"logit_bias":{"50256":-100}}                             | logit_bias
      reasoning_effort         | {"reasoning_effort":"high"}                               | reasoning_effort
      temperature above 1      | {"temperature":1.5}                                       | temperature
      unknown field            | {"frobnicate":true}                                       | frobnicate
      functions                | {"functions":[]}                                          | functions
      strict tool              | {"tools":[{"type":"function","function":{"name":"f","strict":true}}]} | tools[0].function.strict
      custom tool              | {"tools":[{"type":"custom","custom":{"name":"f"}}]}       | tools[0].type
      allowed_tools choice     | {"tool_choice":{"type":"allowed_tools"}}                  | tool_choice.type
      stop of numbers          | {"stop":[1]}                                              | stop[0]
      max_tokens of text       | {"max_tokens":"ten"}                                      | max_tokens
      """)
  void openAiFieldsAnthropicCannotSay(String what, String overlay, String field) {
    refused(OPENAI_CLIENT, "openai-request.json", r -> r.setAll((ObjectNode) read(overlay)), field);
  }

  @Test
  void openAiMessagesAnthropicCannotSay() {
    refusedOpenAi(r -> messages(r).insert(3, read("{\"role\":\"system\",\"content\":\"late\"}")), "messages[3].role");
    refusedOpenAi(r -> message(r, 2).put("name", "alice"), "messages[2].name");
    refusedOpenAi(r -> parts(r, 2).add(read("{\"type\":\"input_audio\",\"input_audio\":{}}")),
        "messages[2].content[3].type");
    refusedOpenAi(r -> parts(r, 2).add(read("{\"type\":\"file\",\"file\":{}}")), "messages[2].content[3].type");
    refusedOpenAi(r -> ((ObjectNode) parts(r, 2).get(1).get("image_url")).put("url", "data:image/bmp;base64,AA"),
        "messages[2].content[1].image_url.url");
    refusedOpenAi(r -> ((ObjectNode) parts(r, 2).get(1).get("image_url")).put("url", "ftp://x/y.png"),
        "messages[2].content[1].image_url.url");
    refusedOpenAi(r -> ((ObjectNode) message(r, 3).get("tool_calls").get(0).get("function"))
        .put("arguments", "[1,2]"), "messages[3].tool_calls[0].function.arguments");
    refusedOpenAi(r -> message(r, 6).put("content", ""), "messages[6].content");
    refusedOpenAi(r -> message(r, 6).put("role", "function"), "messages[6].role");
    refusedOpenAi(r -> r.putArray("messages"), "messages");
    refusedOpenAi(r -> r.remove("messages"), "messages");
  }

  @ParameterizedTest(name = "Anthropic {0}")
  @CsvSource(delimiter = '|', textBlock = """
      thinking                 | {"thinking":{"type":"enabled","budget_tokens":2048}}       | thinking
      top_k                    | {"top_k":5}                                               | top_k
      container                | {"container":"c1"}                                        | container
      mcp_servers              | {"mcp_servers":[]}                                        | mcp_servers
      server tool              | {"tools":[{"type":"web_search_20250305","name":"web_search"}]} | tools[0].type
      unknown tool choice      | {"tool_choice":{"type":"sometimes"}}                      | tool_choice.type
      """)
  void anthropicFieldsOpenAiCannotSay(String what, String overlay, String field) {
    refused(ANTHROPIC_CLIENT, "anthropic-request.json", r -> r.setAll((ObjectNode) read(overlay)), field);
  }

  @Test
  void anthropicMessagesOpenAiCannotSay() {
    refusedAnthropic(r -> blocks(r, 0).add(read("{\"type\":\"document\",\"source\":{}}")),
        "messages[0].content[3].type");
    refusedAnthropic(r -> blocks(r, 1).insert(0, read("{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"}")),
        "messages[1].content[0].type");
    refusedAnthropic(r -> ((ObjectNode) blocks(r, 2).get(0)).put("is_error", true), "messages[2].content[0].is_error");
    refusedAnthropic(r -> ((ObjectNode) blocks(r, 0).get(1).get("source")).put("type", "file"),
        "messages[0].content[1].source.type");
    refusedAnthropic(r -> messages(r).add(read("{\"role\":\"assistant\",\"content\":\"The answer is\"}")),
        "messages[3].role");
    refusedAnthropic(r -> ((ObjectNode) r.get("system").get(0)).put("type", "image"), "system[0].type");
    refusedAnthropic(r -> ((ObjectNode) blocks(r, 1).get(1)).set("caller", read("{\"type\":\"code_execution_20250825\"}")),
        "messages[1].content[1].caller.type");
  }

  @Test
  void theDroppedHintsAreListed() throws Untranslatable {
    ObjectNode openAi = json("openai-request.json");
    for (String hint : ChatToMessagesRequest.DROPPED) {
      openAi.put(hint, "anything");
    }
    ((ObjectNode) parts(openAi, 2).get(1).get("image_url")).put("detail", "high");
    assertThat(OPENAI_CLIENT.request(openAi)).isEqualTo(OPENAI_CLIENT.request(json("openai-request.json")));

    ObjectNode anthropic = json("anthropic-request.json").put("service_tier", "auto");
    anthropic.set("thinking", read("{\"type\":\"disabled\"}"));
    ((ObjectNode) anthropic.get("metadata")).put("other", 1);
    ((ObjectNode) blocks(anthropic, 1).get(1)).set("caller", read("{\"type\":\"direct\"}"));
    ((ObjectNode) blocks(anthropic, 1).get(0)).putNull("citations");
    assertThat(ANTHROPIC_CLIENT.request(anthropic)).isEqualTo(ANTHROPIC_CLIENT.request(json("anthropic-request.json")));
  }

  private static void refusedOpenAi(Consumer<ObjectNode> change, String field) {
    refused(OPENAI_CLIENT, "openai-request.json", change, field);
  }

  private static void refusedAnthropic(Consumer<ObjectNode> change, String field) {
    refused(ANTHROPIC_CLIENT, "anthropic-request.json", change, field);
  }

  /** The sample, changed, is refused naming {@code field}. */
  private static void refused(ApiTranslation translation, String sample, Consumer<ObjectNode> change,
      String field) {
    ObjectNode request = json(sample);
    change.accept(request);
    assertThatThrownBy(() -> translation.request(request)).as(field).isInstanceOfSatisfying(Untranslatable.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  private static ArrayNode messages(ObjectNode request) {
    return (ArrayNode) request.get("messages");
  }

  private static ObjectNode message(ObjectNode request, int i) {
    return (ObjectNode) messages(request).get(i);
  }

  private static ArrayNode parts(ObjectNode request, int i) {
    return (ArrayNode) message(request, i).get("content");
  }

  private static ArrayNode blocks(ObjectNode request, int i) {
    return parts(request, i);
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
