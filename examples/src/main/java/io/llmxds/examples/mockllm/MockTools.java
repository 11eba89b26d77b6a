package io.llmxds.examples.mockllm;

import java.util.List;
import java.util.Map;

/**
 * A tool the mock LLM calls as it calls any first tool (examples/README.md "Tool calls"): its one required string
 * parameter gets {@code "Paris"}. The JSON Schema of its parameters, for clients and tests to declare it in either
 * API ({@code parameters} in OpenAI's, {@code input_schema} in Anthropic's).
 */
public final class MockTools {
  public static final String WEATHER = "get_weather";
  public static final Map<String, Object> WEATHER_PROPERTIES = Map.of("city", Map.of("type", "string"));
  public static final List<String> WEATHER_REQUIRED = List.of("city");
  /** What the mock's call of {@link #WEATHER} carries as its arguments. */
  public static final String WEATHER_ARGUMENTS = "{\"city\":\"Paris\"}";

  private MockTools() {}
}
