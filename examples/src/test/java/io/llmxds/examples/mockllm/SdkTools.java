package io.llmxds.examples.mockllm;

import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.ArrayList;
import java.util.List;

/** {@link MockTools}' tool as each official SDK declares it, and a streamed chat as the OpenAI SDK reads it. */
public final class SdkTools {
  /** The mock's tool in OpenAI's words. */
  public static final ChatCompletionFunctionTool WEATHER_TOOL = ChatCompletionFunctionTool.builder()
      .function(FunctionDefinition.builder().name(MockTools.WEATHER).parameters(FunctionParameters.builder()
          .putAdditionalProperty("type", JsonValue.from("object"))
          .putAdditionalProperty("properties", JsonValue.from(MockTools.WEATHER_PROPERTIES))
          .putAdditionalProperty("required", JsonValue.from(MockTools.WEATHER_REQUIRED)).build()).build())
      .build();
  /** The mock's tool in Anthropic's words. */
  public static final Tool WEATHER_USE = Tool.builder().name(MockTools.WEATHER).inputSchema(Tool.InputSchema.builder()
      .properties(com.anthropic.core.JsonValue.from(MockTools.WEATHER_PROPERTIES))
      .putAdditionalProperty("required", com.anthropic.core.JsonValue.from(MockTools.WEATHER_REQUIRED)).build())
      .build();

  /** A streamed chat completion: its text and its chunks, the last one the usage chunk. */
  public record StreamedChat(String text, List<ChatCompletionChunk> chunks) {
    public ChatCompletionChunk last() {
      return chunks.get(chunks.size() - 1);
    }
  }

  private SdkTools() {}

  /** Streams {@code params} with {@code stream_options.include_usage}, as OpenAI's SDK reads it. */
  public static StreamedChat streamChat(OpenAIClient client, ChatCompletionCreateParams params) {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (var stream = client.chat().completions().createStreaming(params.toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
      });
    }
    return new StreamedChat(text.toString(), List.copyOf(chunks));
  }
}
