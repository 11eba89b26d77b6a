package io.llmxds.filters.extproc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code finish_reason} of each of an OpenAI answer's {@code choices}, in order; nulls (still running) skipped. */
final class FinishReasons {

  private FinishReasons() {}

  static List<String> ofChoices(JsonNode holder) {
    List<String> reasons = new ArrayList<>();
    for (JsonNode choice : holder.path("choices")) {
      JsonNode reason = choice.path("finish_reason");
      if (reason.isTextual()) {
        reasons.add(reason.asText());
      }
    }
    return reasons;
  }
}
