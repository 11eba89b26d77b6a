package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An OpenAI chat-completions request said as an Anthropic Messages request (docs/llm-apis.md "Translation"). Every
 * top-level field is either translated, dropped because it cannot change the answer ({@link #DROPPED}), accepted at
 * the value that means "off", or refused naming it: nothing unknown passes silently.
 */
final class ChatToMessagesRequest {
  /** Anthropic requires {@code max_tokens}; OpenAI's default is "as many as the model can". */
  static final long DEFAULT_MAX_TOKENS = 4096;
  /**
   * Hints that cannot change the answer: storage, billing tier, caching keys, latency predictions, OpenAI's own
   * metadata, the stream options (usage is always streamed back), and {@code seed} (OpenAI only tries to honour it;
   * unseeded sampling draws from the same answers).
   */
  static final Set<String> DROPPED = Set.of("stream_options", "store", "metadata", "service_tier", "seed",
      "prediction", "prompt_cache_key", "prompt_cache_retention");
  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

  private ChatToMessagesRequest() {}

  static ObjectNode translate(ObjectNode request) throws Untranslatable {
    JsonField root = JsonField.root(request);
    ObjectNode out = JsonField.JSON.createObjectNode();
    out.put("model", root.get("model").text());
    out.put("max_tokens", maxTokens(root));
    messages(root.get("messages"), out);
    for (String name : root.presentNames()) {
      JsonField field = root.get(name);
      switch (name) {
        case "model", "messages", "max_tokens", "max_completion_tokens", "parallel_tool_calls", "tool_choice",
            "user", "safety_identifier" -> { }
        case "temperature" -> {
          if (field.number().asDouble() > 1) {
            throw field.untranslatable("Anthropic's temperature ranges from 0 to 1");
          }
          out.set("temperature", field.number());
        }
        case "top_p" -> out.set("top_p", field.number());
        case "stop" -> out.set("stop_sequences", stops(field));
        case "stream" -> out.put("stream", field.bool());
        case "tools" -> out.set("tools", tools(field));
        case "n" -> off(field, field.count() == 1, "only one choice (n = 1) can be asked of Anthropic");
        case "logprobs" -> off(field, !field.bool(), "Anthropic reports no log probabilities");
        case "top_logprobs" -> throw field.untranslatable("Anthropic reports no log probabilities");
        case "frequency_penalty", "presence_penalty" ->
            off(field, field.number().asDouble() == 0, "Anthropic has no repetition penalties");
        case "logit_bias" -> off(field, field.object().isEmpty(), "Anthropic has no logit bias");
        case "response_format" -> off(field, field.get("type").text().equals("text"),
            "Anthropic's Messages API has no JSON mode; only {\"type\":\"text\"} translates");
        case "modalities" -> {
          for (JsonField modality : field.items()) {
            off(modality, modality.text().equals("text"), "Anthropic answers only in text");
          }
        }
        default -> {
          if (!DROPPED.contains(name)) {
            throw field.untranslatable("has no equivalent in Anthropic's Messages API");
          }
        }
      }
    }
    user(root).ifPresent(user -> out.putObject("metadata").put("user_id", user));
    toolChoice(root, out);
    return out;
  }

  private static long maxTokens(JsonField root) throws Untranslatable {
    // max_tokens is the deprecated name; when both are sent the current one counts.
    long deprecated = root.get("max_tokens").present() ? root.get("max_tokens").count() : DEFAULT_MAX_TOKENS;
    return root.get("max_completion_tokens").present() ? root.get("max_completion_tokens").count() : deprecated;
  }

  /** A field Anthropic lacks, accepted only at the value that means "off". */
  private static void off(JsonField field, boolean isOff, String reason) throws Untranslatable {
    if (!isOff) {
      throw field.untranslatable(reason);
    }
  }

  /** {@code safety_identifier} replaces {@code user} in OpenAI's API; either identifies the end user. */
  private static Optional<String> user(JsonField root) throws Untranslatable {
    Optional<String> safety = root.get("safety_identifier").optionalText();
    return safety.isPresent() ? safety : root.get("user").optionalText();
  }

  private static ArrayNode stops(JsonField stop) throws Untranslatable {
    ArrayNode sequences = JsonField.JSON.createArrayNode();
    if (stop.isText()) {
      return sequences.add(stop.text());
    }
    for (JsonField item : stop.items()) {
      sequences.add(item.text());
    }
    return sequences;
  }

  /**
   * The leading system/developer messages become the top-level {@code system}; the rest alternate user/assistant:
   * tool results join the user turn, and consecutive messages of one role are merged, as Anthropic requires.
   */
  private static void messages(JsonField messages, ObjectNode out) throws Untranslatable {
    ArrayNode system = JsonField.JSON.createArrayNode();
    ArrayNode turns = out.putArray("messages");
    List<JsonField> items = messages.items();
    if (items.isEmpty()) {
      throw messages.untranslatable("must hold at least one message");
    }
    for (JsonField message : items) {
      String role = message.get("role").text();
      switch (role) {
        case "system", "developer" -> {
          if (!turns.isEmpty()) {
            throw message.get("role").untranslatable("a " + role + " message after the conversation started has "
                + "no place in Anthropic's top-level system prompt");
          }
          only(message, Set.of("role", "content"));
          system.addAll(textBlocks(message.get("content")));
        }
        case "user" -> {
          only(message, Set.of("role", "content"));
          turn(turns, "user", userBlocks(message.get("content")), message);
        }
        case "assistant" -> {
          only(message, Set.of("role", "content", "tool_calls", "refusal"));
          turn(turns, "assistant", assistantBlocks(message), message);
        }
        case "tool" -> {
          only(message, Set.of("role", "content", "tool_call_id"));
          ObjectNode result = JsonField.JSON.createObjectNode().put("type", "tool_result")
              .put("tool_use_id", message.get("tool_call_id").text());
          JsonField content = message.get("content");
          result.set("content", content.isText() ? content.node() : textBlocks(content));
          turn(turns, "user", JsonField.JSON.createArrayNode().add(result), message);
        }
        default -> throw message.get("role").untranslatable("the role '" + role + "' has no equivalent in "
            + "Anthropic's Messages API");
      }
    }
    if (system.size() == 1) {
      out.set("system", system.get(0).get("text"));
    } else if (!system.isEmpty()) {
      out.set("system", system);
    }
  }

  /** A message's field other than {@code allowed} (e.g. {@code name}, {@code audio}) is refused. */
  private static void only(JsonField message, Set<String> allowed) throws Untranslatable {
    message.onlyMembers(allowed, "Anthropic's Messages API");
  }

  private static void turn(ArrayNode turns, String role, ArrayNode blocks, JsonField message) throws Untranslatable {
    if (blocks.isEmpty()) {
      throw message.get("content").untranslatable("Anthropic takes no message without content");
    }
    JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    if (last != null && last.get("role").asText().equals(role)) {
      ((ArrayNode) last.get("content")).addAll(blocks);
    } else {
      turns.addObject().put("role", role).set("content", blocks);
    }
  }

  /** A string or an array of text parts; empty texts are left out (Anthropic refuses empty text blocks). */
  private static ArrayNode textBlocks(JsonField content) throws Untranslatable {
    ArrayNode blocks = JsonField.JSON.createArrayNode();
    if (content.isText()) {
      text(blocks, content.text());
      return blocks;
    }
    for (JsonField part : content.items()) {
      String type = part.get("type").text();
      if (!type.equals("text")) {
        throw part.get("type").untranslatable("only text parts translate here");
      }
      text(blocks, part.get("text").text());
    }
    return blocks;
  }

  private static void text(ArrayNode blocks, String text) {
    if (!text.isEmpty()) {
      blocks.addObject().put("type", "text").put("text", text);
    }
  }

  private static ArrayNode userBlocks(JsonField content) throws Untranslatable {
    if (content.isText()) {
      return textBlocks(content);
    }
    ArrayNode blocks = JsonField.JSON.createArrayNode();
    for (JsonField part : content.items()) {
      String type = part.get("type").text();
      switch (type) {
        case "text" -> text(blocks, part.get("text").text());
        case "image_url" -> blocks.add(image(part.get("image_url").get("url")));
        default -> throw part.get("type").untranslatable("the content part '" + type + "' has no equivalent in "
            + "Anthropic's Messages API");
      }
    }
    return blocks;
  }

  /** A {@code data:} URL becomes a base64 source, an http(s) URL a url source; {@code detail} is a hint. */
  private static ObjectNode image(JsonField url) throws Untranslatable {
    String value = url.text();
    ObjectNode image = JsonField.JSON.createObjectNode().put("type", "image");
    ObjectNode source = image.putObject("source");
    if (value.startsWith("https://") || value.startsWith("http://")) {
      source.put("type", "url").put("url", value);
      return image;
    }
    int comma = value.indexOf(',');
    String header = comma < 0 ? "" : value.substring(0, comma);
    if (!value.startsWith("data:") || !header.endsWith(";base64")) {
      throw url.untranslatable("only https URLs and base64 data: URLs translate");
    }
    String mediaType = header.substring(5, header.length() - ";base64".length());
    if (!IMAGE_TYPES.contains(mediaType)) {
      throw url.untranslatable("Anthropic takes images of " + String.join(", ", IMAGE_TYPES.stream().sorted()
          .toList()) + ", not '" + mediaType + "'");
    }
    source.put("type", "base64").put("media_type", mediaType).put("data", value.substring(comma + 1));
    return image;
  }

  private static ArrayNode assistantBlocks(JsonField message) throws Untranslatable {
    JsonField content = message.get("content");
    ArrayNode blocks = content.present() ? textBlocks(content) : JsonField.JSON.createArrayNode();
    if (message.get("refusal").present()) {
      throw message.get("refusal").untranslatable("Anthropic has no refusal content");
    }
    if (!message.get("tool_calls").present()) {
      return blocks;
    }
    for (JsonField call : message.get("tool_calls").items()) {
      if (!call.get("type").text().equals("function")) {
        throw call.get("type").untranslatable("only function tool calls translate");
      }
      JsonField arguments = call.get("function").get("arguments");
      blocks.addObject().put("type", "tool_use").put("id", call.get("id").text())
          .put("name", call.get("function").get("name").text())
          .set("input", ToolArguments.parse(arguments));
    }
    return blocks;
  }

  private static ArrayNode tools(JsonField tools) throws Untranslatable {
    ArrayNode out = JsonField.JSON.createArrayNode();
    for (JsonField tool : tools.items()) {
      if (!tool.get("type").text().equals("function")) {
        throw tool.get("type").untranslatable("only function tools translate");
      }
      JsonField function = tool.get("function");
      ObjectNode translated = out.addObject().put("name", function.get("name").text());
      function.get("description").optionalText().ifPresent(d -> translated.put("description", d));
      JsonField parameters = function.get("parameters");
      // A function without parameters takes none; Anthropic requires the schema.
      translated.set("input_schema", parameters.present() ? parameters.object()
          : JsonField.JSON.createObjectNode().put("type", "object").set("properties",
              JsonField.JSON.createObjectNode()));
      if (function.get("strict").present() && function.get("strict").bool()) {
        throw function.get("strict").untranslatable("Anthropic does not enforce tool schemas strictly");
      }
    }
    return out;
  }

  /** {@code tool_choice} and {@code parallel_tool_calls: false} become Anthropic's one {@code tool_choice}. */
  private static void toolChoice(JsonField root, ObjectNode out) throws Untranslatable {
    JsonField choice = root.get("tool_choice");
    ObjectNode translated = null;
    if (choice.isText()) {
      String mode = choice.text();
      String type = switch (mode) {
        case "auto" -> "auto";
        case "none" -> "none";
        case "required" -> "any";
        default -> throw choice.untranslatable("'" + mode + "' is none of auto, none, required");
      };
      translated = JsonField.JSON.createObjectNode().put("type", type);
    } else if (choice.present()) {
      if (!choice.get("type").text().equals("function")) {
        throw choice.get("type").untranslatable("only a named function translates");
      }
      translated = JsonField.JSON.createObjectNode().put("type", "tool")
          .put("name", choice.get("function").get("name").text());
    }
    JsonField parallel = root.get("parallel_tool_calls");
    if (parallel.present() && !parallel.bool() && out.has("tools")) {
      translated = translated == null ? JsonField.JSON.createObjectNode().put("type", "auto") : translated;
      if (!translated.get("type").asText().equals("none")) {
        translated.put("disable_parallel_tool_use", true);
      }
    }
    if (translated != null) {
      out.set("tool_choice", translated);
    }
  }
}
