package io.llmxds.filters.context;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmxds.filters.context.RequestPolicy.Schema;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of one stored turn in each schema (docs/context-protocol.md). v1: {@code {"role","content"}}; v2 adds
 * {@code at} (ISO-8601 instant), {@code model}, {@code promptTokens}, {@code completionTokens}, each omitted when
 * absent. Unknown fields are ignored on read, so a newer writer's extra fields do not make an entry corrupt.
 */
enum TurnCodec {
  V1 {
    @Override
    Object entryOf(Turn turn) {
      return new V1Entry(turn.role(), turn.content());
    }

    @Override
    Turn turnOf(String json) throws JsonProcessingException {
      V1Entry entry = JSON.readValue(json, V1Entry.class);
      return entry == null ? null : Turn.of(entry.role(), entry.content());
    }
  },

  V2 {
    @Override
    Object entryOf(Turn turn) {
      return new V2Entry(
          turn.role(),
          turn.content(),
          turn.at().map(Instant::toString).orElse(null),
          turn.model().orElse(null),
          turn.usage().map(Turn.Usage::promptTokens).orElse(null),
          turn.usage().map(Turn.Usage::completionTokens).orElse(null));
    }

    @Override
    Turn turnOf(String json) throws JsonProcessingException {
      V2Entry entry = JSON.readValue(json, V2Entry.class);
      if (entry == null) {
        return null;
      }
      Optional<Turn.Usage> usage =
          entry.promptTokens() == null && entry.completionTokens() == null
              ? Optional.empty()
              : Optional.of(new Turn.Usage(orZero(entry.promptTokens()), orZero(entry.completionTokens())));
      return new Turn(
          entry.role(),
          entry.content(),
          Optional.ofNullable(entry.at()).map(Instant::parse),
          Optional.ofNullable(entry.model()),
          usage);
    }
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  static TurnCodec of(Schema schema) {
    return schema == Schema.V1 ? V1 : V2;
  }

  /** Turns decoded in order, and how many entries could not be decoded (skipped: a bad entry never fails a read). */
  record Decoded(List<Turn> turns, int corrupt) {}

  String encode(Turn turn) {
    try {
      return JSON.writeValueAsString(entryOf(turn));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a turn always serializes", e);
    }
  }

  Decoded decodeAll(List<String> entries) {
    List<Turn> turns = new ArrayList<>(entries.size());
    int corrupt = 0;
    for (String entry : entries) {
      Optional<Turn> turn = decode(entry);
      if (turn.isPresent()) {
        turns.add(turn.get());
      } else {
        corrupt++;
      }
    }
    return new Decoded(List.copyOf(turns), corrupt);
  }

  // The parser's message quotes the entry, i.e. conversation text: it is dropped here, never logged or recorded.
  private Optional<Turn> decode(String entry) {
    try {
      return Optional.ofNullable(turnOf(entry)).filter(turn -> turn.role() != null && turn.content() != null);
    } catch (JsonProcessingException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  abstract Object entryOf(Turn turn);

  abstract Turn turnOf(String json) throws JsonProcessingException;

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record V1Entry(String role, String content) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record V2Entry(
      String role, String content, String at, String model, Long promptTokens, Long completionTokens) {}
}
