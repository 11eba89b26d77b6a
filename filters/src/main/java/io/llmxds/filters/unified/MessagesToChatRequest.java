package io.llmxds.filters.unified;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic Messages request said as an OpenAI chat-completions request (docs/llm-apis.md "Translation"). Every
 * top-level field is translated, dropped because it cannot change the answer ({@link #DROPPED}), or refused naming
 * it. Block-level {@code cache_control} and text {@code citations} are caching and attribution hints, dropped.
 */
final class MessagesToChatRequest {
  /** The billing tier; {@code metadata} beyond {@code user_id} (Anthropic takes nothing else there). */
  static final Set<String> DROPPED = Set.of("service_tier");
  private static final String OPENAI = "OpenAI's chat completions";
  private static final Set<String> BLOCK_HINTS = Set.of("cache_control", "citations");

  private MessagesToChatRequest() {}

  static ObjectNode translate(ObjectNode request) throws Untranslatable {
    JsonField root = JsonField.root(request);
    ObjectNode out = JsonField.JSON.createObjectNode();
    out.put("model", root.get("model").text());
    ArrayNode messages = out.putArray("messages");
    if (root.get("system").present()) {
      messages.addObject().put("role", "system").set("content", content(textParts(root.get("system"))));
    }
    messages(root.get("messages"), messages);
    for (String name : root.presentNames()) {
      JsonField field = root.get(name);
      switch (name) {
        case "model", "messages", "system", "tool_choice" -> { }
        case "max_tokens" -> out.put("max_completion_tokens", field.count());
        case "temperature", "top_p" -> out.set(name, field.number());
        case "stop_sequences" -> {
          ArrayNode stop = out.putArray("stop");
          for (JsonField sequence : field.items()) {
            stop.add(sequence.text());
          }
        }
        case "stream" -> {
          out.put("stream", field.bool());
          if (field.bool()) {
            // Without it an OpenAI stream carries no usage, and the client's message_delta needs it.
            out.putObject("stream_options").put("include_usage", true);
          }
        }
        case "metadata" -> field.get("user_id").optionalText().ifPresent(user -> out.put("user", user));
        case "tools" -> out.set("tools", tools(field));
        case "thinking" -> {
          if (!field.get("type").text().equals("disabled")) {
            throw field.untranslatable("OpenAI's chat completions have no extended thinking");
          }
        }
        case "top_k" -> throw field.untranslatable("OpenAI's chat completions have no top_k sampling");
        default -> {
          if (!DROPPED.contains(name)) {
            throw field.untranslatable("has no equivalent in OpenAI's chat completions");
          }
        }
      }
    }
    toolChoice(root, out);
    return out;
  }

  private static void messages(JsonField messages, ArrayNode out) throws Untranslatable {
    List<JsonField> items = messages.items();
    if (items.isEmpty()) {
      throw messages.untranslatable("must hold at least one message");
    }
    for (JsonField message : items) {
      message.onlyMembers(Set.of("role", "content"), OPENAI);
      String role = message.get("role").text();
      switch (role) {
        case "user" -> user(message.get("content"), out);
        case "assistant" -> out.add(assistant(message.get("content")));
        default -> throw message.get("role").untranslatable("must be user or assistant");
      }
    }
    JsonField last = items.get(items.size() - 1);
    if (last.get("role").text().equals("assistant")) {
      throw last.get("role").untranslatable("OpenAI's chat completions cannot continue a prefilled assistant turn");
    }
  }

  /**
   * Tool results become {@code tool} messages, first (they answer the previous turn's calls); the rest one user
   * message.
   */
  private static void user(JsonField content, ArrayNode out) throws Untranslatable {
    if (content.isText()) {
      out.addObject().put("role", "user").put("content", content.text());
      return;
    }
    ArrayNode parts = JsonField.JSON.createArrayNode();
    for (JsonField block : content.items()) {
      String type = block.get("type").text();
      switch (type) {
        case "text" -> parts.add(textPart(block));
        case "image" -> parts.add(image(block));
        case "tool_result" -> out.add(toolResult(block));
        default -> throw block.get("type").untranslatable("the block '" + type + "' has no equivalent in OpenAI's "
            + "chat completions");
      }
    }
    if (!parts.isEmpty()) {
      out.addObject().put("role", "user").set("content", content(parts));
    }
  }

  private static ObjectNode assistant(JsonField content) throws Untranslatable {
    ObjectNode message = JsonField.JSON.createObjectNode().put("role", "assistant");
    if (content.isText()) {
      return message.put("content", content.text());
    }
    ArrayNode parts = JsonField.JSON.createArrayNode();
    ArrayNode calls = JsonField.JSON.createArrayNode();
    for (JsonField block : content.items()) {
      String type = block.get("type").text();
      switch (type) {
        case "text" -> parts.add(textPart(block));
        case "tool_use" -> {
          only(block, Set.of("type", "id", "name", "input", "caller"));
          // Newer answers name who called the tool; only the model itself ("direct") has an OpenAI equivalent.
          if (block.get("caller").present() && !block.get("caller").get("type").text().equals("direct")) {
            throw block.get("caller").get("type").untranslatable("only tool calls by the model itself translate");
          }
          ObjectNode call = calls.addObject().put("id", block.get("id").text()).put("type", "function");
          call.putObject("function").put("name", block.get("name").text())
              .put("arguments", ToolArguments.serialize(block.get("input").object()));
        }
        default -> throw block.get("type").untranslatable("the block '" + type + "' has no equivalent in OpenAI's "
            + "chat completions");
      }
    }
    message.set("content", content(parts));
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
    return message;
  }

  private static ObjectNode toolResult(JsonField block) throws Untranslatable {
    only(block, Set.of("type", "tool_use_id", "content", "is_error"));
    if (block.get("is_error").present() && block.get("is_error").bool()) {
      throw block.get("is_error").untranslatable("OpenAI's tool messages cannot mark a result as an error");
    }
    ObjectNode message = JsonField.JSON.createObjectNode().put("role", "tool")
        .put("tool_call_id", block.get("tool_use_id").text());
    JsonField content = block.get("content");
    if (!content.present()) {
      return message.put("content", "");
    }
    return message.set("content", content.isText() ? content.node() : content(textParts(content)));
  }

  /** One text is a plain string (the form every OpenAI client sends), several are parts, none is {@code null}. */
  private static JsonNode content(ArrayNode parts) {
    if (parts.isEmpty()) {
      return JsonField.JSON.nullNode();
    }
    return parts.size() == 1 && parts.get(0).get("type").asText().equals("text") ? parts.get(0).get("text") : parts;
  }

  /** {@code system} or a tool result's content: a string or text blocks. */
  private static ArrayNode textParts(JsonField content) throws Untranslatable {
    ArrayNode parts = JsonField.JSON.createArrayNode();
    if (content.isText()) {
      parts.addObject().put("type", "text").put("text", content.text());
      return parts;
    }
    for (JsonField block : content.items()) {
      if (!block.get("type").text().equals("text")) {
        throw block.get("type").untranslatable("only text blocks translate here");
      }
      parts.add(textPart(block));
    }
    return parts;
  }

  private static ObjectNode textPart(JsonField block) throws Untranslatable {
    only(block, Set.of("type", "text"));
    return JsonField.JSON.createObjectNode().put("type", "text").put("text", block.get("text").text());
  }

  private static ObjectNode image(JsonField block) throws Untranslatable {
    only(block, Set.of("type", "source"));
    JsonField source = block.get("source");
    String type = source.get("type").text();
    String url = switch (type) {
      case "base64" -> "data:" + source.get("media_type").text() + ";base64," + source.get("data").text();
      case "url" -> source.get("url").text();
      default -> throw source.get("type").untranslatable("only base64 and url images translate");
    };
    ObjectNode part = JsonField.JSON.createObjectNode().put("type", "image_url");
    part.putObject("image_url").put("url", url);
    return part;
  }

  /** A block's member other than {@code allowed} and the hints ({@code cache_control}, {@code citations}): refused. */
  private static void only(JsonField block, Set<String> allowed) throws Untranslatable {
    Set<String> members = new HashSet<>(allowed);
    members.addAll(BLOCK_HINTS);
    block.onlyMembers(members, OPENAI);
  }

  private static ArrayNode tools(JsonField tools) throws Untranslatable {
    ArrayNode out = JsonField.JSON.createArrayNode();
    for (JsonField tool : tools.items()) {
      String type = tool.get("type").optionalText().orElse("custom");
      if (!type.equals("custom")) {
        throw tool.get("type").untranslatable("Anthropic's server tool '" + type + "' has no equivalent in OpenAI's "
            + "chat completions");
      }
      only(tool, Set.of("type", "name", "description", "input_schema"));
      ObjectNode function = out.addObject().put("type", "function").putObject("function")
          .put("name", tool.get("name").text());
      tool.get("description").optionalText().ifPresent(d -> function.put("description", d));
      function.set("parameters", tool.get("input_schema").object());
    }
    return out;
  }

  private static void toolChoice(JsonField root, ObjectNode out) throws Untranslatable {
    JsonField choice = root.get("tool_choice");
    if (!choice.present()) {
      return;
    }
    String type = choice.get("type").text();
    switch (type) {
      case "auto" -> out.put("tool_choice", "auto");
      case "any" -> out.put("tool_choice", "required");
      case "none" -> out.put("tool_choice", "none");
      case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
          .put("name", choice.get("name").text());
      default -> throw choice.get("type").untranslatable("'" + type + "' is none of auto, any, tool, none");
    }
    JsonField parallel = choice.get("disable_parallel_tool_use");
    if (parallel.present() && parallel.bool() && out.has("tools")) {
      out.put("parallel_tool_calls", false);
    }
  }
}
