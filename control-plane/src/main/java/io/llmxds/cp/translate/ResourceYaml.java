package io.llmxds.cp.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.Message;
import java.util.List;

/**
 * Renders Envoy resources as YAML for review (the CLI's {@code render}) and for golden files: one YAML document
 * ({@code ---}) per resource in the order given, as {@link ResourceJson} shows them (secrets redacted).
 */
public final class ResourceYaml {

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      // "20" in a header value is a string, and must read back as one.
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build());

  private ResourceYaml() {}

  public static String render(List<? extends Message> resources) {
    StringBuilder yaml = new StringBuilder();
    try {
      for (Message resource : resources) {
        yaml.append(YAML.writeValueAsString(ResourceJson.redacted(resource)));
      }
      return yaml.toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + resources.size() + " resources", e);
    }
  }
}
