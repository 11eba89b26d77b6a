package io.llmxds.examples.mockllm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The mock's answer to one request, rendered as OpenAI renders a chat completion: a whole {@code chat.completion}
 * object, or the {@code chat.completion.chunk} events of a stream ({@link MockApi} renders the other APIs from its
 * parts). Token counts are an estimate (see {@link #tokens}).
 */
final class ChatReply {
  private static final int QUOTE_LIMIT = 200;

  private final ObjectMapper json;
  private final String id;
  private final long created;
  private final String model;
  private final String content;
  private final long promptTokens;
  private final long completionTokens;
  private final Optional<ToolTurn.Call> call;

  ChatReply(ObjectMapper json, String id, long created, String backend, ChatRequest request) {
    this.json = json;
    this.id = id;
    this.created = created;
    this.model = request.model();
    this.call = request.tools().call();
    this.content = call.isPresent() ? "" : text(backend, request);
    this.promptTokens = tokens(request.promptChars());
    this.completionTokens = tokens(call.map(c -> c.name().length() + c.arguments().toString().length())
        .orElse(content.length()));
  }

  /** E.g. {@code [mock-a] received 3 messages; last user message: "hello"}. */
  static String text(String backend, ChatRequest request) {
    String count = "[" + backend + "] received " + request.messages()
        + (request.messages() == 1 ? " message" : " messages");
    Optional<String> result = request.tools().result();
    if (result.isPresent()) {
      // Verbatim, so that a tool call's round trip can be checked end to end.
      return count + "; tool result: \"" + result.get() + "\"";
    }
    String quote = request.lastUserMessage()
        .map(m -> m.length() > QUOTE_LIMIT ? m.substring(0, QUOTE_LIMIT) + "…" : m)
        .map(m -> "; last user message: \"" + m + "\"")
        .orElse("; no user message");
    return count + quote;
  }

  /**
   * A deterministic stand-in for a tokenizer: one token per 4 characters, at least 1 — the rule of thumb OpenAI
   * gives for English text, enough for usage-based rate limits to see plausible numbers.
   */
  static long tokens(long chars) {
    return Math.max(1, (chars + 3) / 4);
  }

  ObjectNode completion() {
    ObjectNode completion = header("chat.completion");
    ObjectNode choice = completion.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (call.isPresent()) {
      message.putNull("content");
      message.putArray("tool_calls").addObject().put("id", callId()).put("type", "function").putObject("function")
          .put("name", call.get().name()).put("arguments", call.get().arguments().toString());
    } else {
      message.put("content", content);
    }
    choice.put("finish_reason", finishReason());
    completion.set("usage", usage());
    return completion;
  }

  /**
   * The stream's events in order: the role, the content word by word, the finish reason, the usage (only when the
   * client asked for it with {@code stream_options.include_usage}, as OpenAI does); {@code [DONE]} is the caller's.
   */
  List<ObjectNode> chunks(boolean includeUsage) {
    List<ObjectNode> chunks = new ArrayList<>();
    chunks.add(chunk(delta -> delta.put("role", "assistant").put("content", ""), null));
    if (call.isPresent()) {
      // The call's id and name first, then its arguments in two fragments, as OpenAI streams them.
      chunks.add(chunk(delta -> delta.putArray("tool_calls").addObject().put("index", 0).put("id", callId())
          .put("type", "function").putObject("function").put("name", call.get().name()).put("arguments", ""), null));
      for (String fragment : argumentFragments()) {
        chunks.add(chunk(delta -> delta.putArray("tool_calls").addObject().put("index", 0).putObject("function")
            .put("arguments", fragment), null));
      }
    }
    for (String word : words()) {
      chunks.add(chunk(delta -> delta.put("content", word), null));
    }
    chunks.add(chunk(delta -> { }, finishReason()));
    if (includeUsage) {
      ObjectNode last = header("chat.completion.chunk");
      last.putArray("choices");
      last.set("usage", usage());
      chunks.add(last);
    }
    return chunks;
  }

  private ObjectNode chunk(Consumer<ObjectNode> delta, String finishReason) {
    ObjectNode chunk = header("chat.completion.chunk");
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode choice = choices.addObject().put("index", 0);
    delta.accept(choice.putObject("delta"));
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk;
  }

  String id() {
    return id;
  }

  /** The tool the answer calls, when the request asked for one ({@link ToolTurn}). */
  Optional<ToolTurn.Call> call() {
    return call;
  }

  /** The call's id: OpenAI's look ({@code call_…}); Anthropic's answers use {@code toolu_…}. */
  String callId() {
    return "call_" + id;
  }

  /** The call's arguments cut in two, as a stream sends them in pieces. */
  String[] argumentFragments() {
    String arguments = call.map(c -> c.arguments().toString()).orElse("");
    return new String[] {arguments.substring(0, arguments.length() / 2), arguments.substring(arguments.length() / 2)};
  }

  private String finishReason() {
    return call.isPresent() ? "tool_calls" : "stop";
  }

  long created() {
    return created;
  }

  String model() {
    return model;
  }

  String content() {
    return content;
  }

  /** The content as a stream sends it: word by word, each with its trailing space (none for a tool call). */
  String[] words() {
    return content.isEmpty() ? new String[0] : content.split("(?<= )");
  }

  long promptTokens() {
    return promptTokens;
  }

  long completionTokens() {
    return completionTokens;
  }

  ObjectNode header(String object) {
    return json.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
  }

  ObjectNode usage() {
    return json.createObjectNode()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }
}
