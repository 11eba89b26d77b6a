package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The APIs the mock speaks (examples/README.md "The mock LLM"), each recognised by its path's ending and rendering
 * the mock's {@link ChatReply} as that API does, usage included: whole JSON answers, and for chat, the Responses API
 * and Anthropic Messages the events of a stream (with an {@code event:} line where the API sends one).
 */
enum MockApi {
  CHAT_COMPLETIONS("/chat/completions", "messages") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      return reply.completion();
    }

    @Override
    List<ObjectNode> events(ObjectMapper json, ChatReply reply, ChatRequest request) {
      return reply.chunks(request.includeUsage());
    }
  },
  COMPLETIONS("/completions", "prompt") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      ObjectNode completion = reply.header("text_completion");
      completion.putArray("choices").addObject().put("text", reply.content()).put("index", 0)
          .putNull("logprobs").put("finish_reason", "stop");
      completion.set("usage", reply.usage());
      return completion;
    }

    /** Like chat's: a {@code text_completion} per word, the last with its finish reason, then the usage if asked. */
    @Override
    List<ObjectNode> events(ObjectMapper json, ChatReply reply, ChatRequest request) {
      List<ObjectNode> events = new ArrayList<>();
      String[] words = reply.words();
      for (int i = 0; i < words.length; i++) {
        ObjectNode chunk = reply.header("text_completion");
        ObjectNode choice = chunk.putArray("choices").addObject().put("text", words[i]).put("index", 0);
        if (i == words.length - 1) {
          choice.put("finish_reason", "stop");
        } else {
          choice.putNull("finish_reason");
        }
        events.add(chunk);
      }
      if (request.includeUsage()) {
        ObjectNode last = reply.header("text_completion");
        last.putArray("choices");
        last.set("usage", reply.usage());
        events.add(last);
      }
      return events;
    }
  },
  EMBEDDINGS("/embeddings", "input") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      ObjectNode list = json.createObjectNode().put("object", "list");
      ArrayNode data = list.putArray("data");
      for (int i = 0; i < request.messages(); i++) {
        ObjectNode embedding = data.addObject().put("object", "embedding").put("index", i);
        float[] vector = {1f / (i + 1), 0.5f, -0.25f, i};
        if (request.base64()) {
          ByteBuffer bytes = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
          for (float f : vector) {
            bytes.putFloat(f);
          }
          embedding.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
        } else {
          ArrayNode values = embedding.putArray("embedding");
          for (float f : vector) {
            values.add(f);
          }
        }
      }
      list.put("model", reply.model());
      list.putObject("usage").put("prompt_tokens", reply.promptTokens()).put("total_tokens", reply.promptTokens());
      return list;
    }
  },
  MODERATIONS("/moderations", "input") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      ObjectNode moderation = json.createObjectNode().put("id", "modr-" + reply.id()).put("model", reply.model());
      ArrayNode results = moderation.putArray("results");
      for (int i = 0; i < request.messages(); i++) {
        ObjectNode result = results.addObject().put("flagged", false);
        result.putObject("categories").put("violence", false);
        result.putObject("category_scores").put("violence", 0.0);
      }
      return moderation;
    }
  },
  RESPONSES("/responses", "input") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      return response(json, reply, "completed", true);
    }

    @Override
    List<ObjectNode> events(ObjectMapper json, ChatReply reply, ChatRequest request) {
      List<ObjectNode> events = new ArrayList<>();
      events.add(event(json, "response.created", events).set("response", response(json, reply, "in_progress", false)));
      for (String word : reply.words()) {
        events.add(event(json, "response.output_text.delta", events).put("item_id", "msg_" + reply.id())
            .put("output_index", 0).put("content_index", 0).put("delta", word));
      }
      events.add(event(json, "response.completed", events).set("response", response(json, reply, "completed", true)));
      return events;
    }

    private static ObjectNode event(ObjectMapper json, String type, List<ObjectNode> before) {
      return json.createObjectNode().put("type", type).put("sequence_number", before.size());
    }

    private static ObjectNode response(ObjectMapper json, ChatReply reply, String status, boolean done) {
      ObjectNode response = json.createObjectNode().put("id", "resp_" + reply.id()).put("object", "response")
          .put("created_at", reply.created()).put("status", status).put("model", reply.model());
      ArrayNode output = response.putArray("output");
      if (done) {
        ObjectNode message = output.addObject().put("type", "message").put("id", "msg_" + reply.id())
            .put("status", "completed").put("role", "assistant");
        message.putArray("content").addObject().put("type", "output_text").put("text", reply.content())
            .putArray("annotations");
        ObjectNode usage = response.putObject("usage").put("input_tokens", reply.promptTokens())
            .put("output_tokens", reply.completionTokens())
            .put("total_tokens", reply.promptTokens() + reply.completionTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
      }
      response.put("parallel_tool_calls", true).put("tool_choice", "auto").putArray("tools");
      return response;
    }
  },
  IMAGE_GENERATIONS("/images/generations", "prompt") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      ObjectNode images = json.createObjectNode().put("created", reply.created());
      // Not an image: the mock's text, base64-encoded where an image's bytes would be.
      images.putArray("data").addObject()
          .put("b64_json", Base64.getEncoder().encodeToString(reply.content().getBytes(StandardCharsets.UTF_8)));
      ObjectNode usage = images.putObject("usage").put("input_tokens", reply.promptTokens())
          .put("output_tokens", reply.completionTokens())
          .put("total_tokens", reply.promptTokens() + reply.completionTokens());
      usage.putObject("input_tokens_details").put("text_tokens", reply.promptTokens()).put("image_tokens", 0);
      return images;
    }
  },
  /** Anthropic's Messages API: its errors are Anthropic's, {@code {"type":"error","error":{…}}}. */
  ANTHROPIC_MESSAGES("/messages", "messages") {
    @Override
    ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request) {
      ObjectNode message = message(json, reply);
      ArrayNode content = message.putArray("content");
      if (reply.call().isPresent()) {
        content.addObject().put("type", "tool_use").put("id", toolUseId(reply)).put("name", reply.call().get().name())
            .set("input", reply.call().get().arguments());
      } else {
        content.addObject().put("type", "text").put("text", reply.content());
      }
      message.put("stop_reason", stopReason(reply)).putNull("stop_sequence");
      message.putObject("usage").put("input_tokens", reply.promptTokens())
          .put("output_tokens", reply.completionTokens());
      return message;
    }

    @Override
    List<ObjectNode> events(ObjectMapper json, ChatReply reply, ChatRequest request) {
      List<ObjectNode> events = new ArrayList<>();
      ObjectNode start = message(json, reply);
      start.putArray("content");
      start.putNull("stop_reason").putNull("stop_sequence");
      start.putObject("usage").put("input_tokens", reply.promptTokens()).put("output_tokens", 1);
      events.add(json.createObjectNode().put("type", "message_start").set("message", start));
      ObjectNode block = json.createObjectNode().put("type", "content_block_start").put("index", 0);
      if (reply.call().isPresent()) {
        block.putObject("content_block").put("type", "tool_use").put("id", toolUseId(reply))
            .put("name", reply.call().get().name()).putObject("input");
        events.add(block);
        for (String fragment : reply.argumentFragments()) {
          ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", 0);
          delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
          events.add(delta);
        }
      } else {
        block.putObject("content_block").put("type", "text").put("text", "");
        events.add(block);
      }
      for (String word : reply.words()) {
        ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", word);
        events.add(delta);
      }
      events.add(json.createObjectNode().put("type", "content_block_stop").put("index", 0));
      ObjectNode end = json.createObjectNode().put("type", "message_delta");
      end.putObject("delta").put("stop_reason", stopReason(reply)).putNull("stop_sequence");
      end.putObject("usage").put("output_tokens", reply.completionTokens());
      events.add(end);
      events.add(json.createObjectNode().put("type", "message_stop"));
      return events;
    }

    @Override
    ObjectNode error(ObjectMapper json, String type, String code, String message) {
      ObjectNode body = json.createObjectNode().put("type", "error");
      body.putObject("error").put("type", type).put("message", message);
      return body;
    }

    private static String toolUseId(ChatReply reply) {
      return "toolu_" + reply.id();
    }

    private static String stopReason(ChatReply reply) {
      return reply.call().isPresent() ? "tool_use" : "end_turn";
    }

    private static ObjectNode message(ObjectMapper json, ChatReply reply) {
      return json.createObjectNode().put("id", "msg_" + reply.id()).put("type", "message").put("role", "assistant")
          .put("model", reply.model());
    }
  };

  private final String suffix;
  /** The body field that holds the text: {@code messages}, {@code input} or {@code prompt}. */
  final String textField;

  MockApi(String suffix, String textField) {
    this.suffix = suffix;
    this.textField = textField;
  }

  /** The API a path calls, by its ending (so {@code /openai/v1/chat/completions} is chat too). */
  static Optional<MockApi> of(String path) {
    for (MockApi api : values()) {
      if (path.endsWith(api.suffix)) {
        return Optional.of(api);
      }
    }
    return Optional.empty();
  }

  /** The whole JSON answer. */
  abstract ObjectNode answer(ObjectMapper json, ChatReply reply, ChatRequest request);

  /** A streamed answer's events; empty for an API that does not stream, which then answers in JSON. */
  List<ObjectNode> events(ObjectMapper json, ChatReply reply, ChatRequest request) {
    return List.of();
  }

  /** {@code [DONE]} ends only OpenAI's chat and completion streams; the others end with a typed event. */
  boolean endsWithDone() {
    return this == CHAT_COMPLETIONS || this == COMPLETIONS;
  }

  /** An error body in this API's shape. */
  ObjectNode error(ObjectMapper json, String type, String code, String message) {
    ObjectNode body = json.createObjectNode();
    body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
    return body;
  }
}
