package io.llmxds.filters.unified;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmxds.filters.sse.SseEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The official-doc-shaped bodies under {@code unified/} (test resources), golden files of their translations
 * ({@code -Dgolden.update=true} rewrites them; review the diff), and the stream chunkings every stream test feeds.
 * Public: the examples module's SDK test reads the same samples.
 */
public final class UnifiedSamples {
  public static final ObjectMapper JSON = new ObjectMapper();
  /** The clock OpenAI answers are dated by ({@code created}). */
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  static final ApiTranslation OPENAI_CLIENT =
      ApiTranslation.between(WireApi.OPENAI_CHAT, WireApi.ANTHROPIC_MESSAGES, CLOCK).orElseThrow();
  static final ApiTranslation ANTHROPIC_CLIENT =
      ApiTranslation.between(WireApi.ANTHROPIC_MESSAGES, WireApi.OPENAI_CHAT).orElseThrow();
  private static final boolean UPDATE = "true".equals(System.getProperty("golden.update"));
  private static final Path SOURCES = Path.of("src/test/resources/unified");

  private UnifiedSamples() {}

  public static byte[] bytes(String name) {
    try (InputStream in = UnifiedSamples.class.getResourceAsStream("/unified/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource unified/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode json(String name) {
    try {
      return (ObjectNode) JSON.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code actual} equals the golden file {@code name} (or, when updating, becomes it). */
  static void assertGolden(String name, JsonNode actual) {
    String rendered;
    try {
      rendered = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(actual) + "\n";
      if (UPDATE) {
        Files.writeString(SOURCES.resolve(name), rendered);
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Compared as parsed text: a tree built in code holds longs where the parsed file holds ints.
    assertThat(parse(bytes(name)).equals(parse(rendered.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .as("%s differs from\n%s\nif intended, run with -Dgolden.update=true and review", name, rendered).isTrue();
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream fed whole, then one byte at a time, then in seeded random cuts: the client's bytes must be the same. */
  public static ByteString translateEveryChunking(Supplier<StreamTranslation> translation, byte[] stream) {
    ByteString whole = feed(translation.get(), List.of(stream));
    List<byte[]> single = new ArrayList<>();
    for (byte b : stream) {
      single.add(new byte[] {b});
    }
    assertThat(feed(translation.get(), single)).as("one byte at a time").isEqualTo(whole);
    for (long seed = 1; seed <= 20; seed++) {
      assertThat(feed(translation.get(), randomCuts(stream, new Random(seed)))).as("cuts of seed %d", seed)
          .isEqualTo(whole);
    }
    return whole;
  }

  static List<byte[]> randomCuts(byte[] stream, Random random) {
    List<byte[]> pieces = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int size = Math.min(stream.length - at, 1 + random.nextInt(40));
      byte[] piece = new byte[size];
      System.arraycopy(stream, at, piece, 0, size);
      pieces.add(piece);
      at += size;
    }
    return pieces;
  }

  /** Each piece fed, the last one with end of stream (an extra empty end when there are none). */
  static ByteString feed(StreamTranslation translation, List<byte[]> pieces) {
    ByteString.Output out = ByteString.newOutput();
    try {
      for (int i = 0; i < pieces.size(); i++) {
        translation.feed(ByteString.copyFrom(pieces.get(i)), i == pieces.size() - 1).writeTo(out);
      }
      if (pieces.isEmpty()) {
        translation.feed(ByteString.EMPTY, true).writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteString();
  }

  /** A client stream's events: its {@code event:} name ("" when none) and its data, parsed ({@code [DONE]} as text). */
  public record Event(String name, JsonNode data) {
    public boolean done() {
      return data.isTextual() && data.asText().equals("[DONE]");
    }
  }

  /** Parses SSE the way a client does, also checking each event's {@code event:} line matches its JSON type. */
  public static List<Event> events(ByteString sse) {
    List<Event> events = new ArrayList<>();
    for (String block : sse.toStringUtf8().split("\n\n", -1)) {
      if (block.isEmpty()) {
        continue;
      }
      String name = "";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        } else {
          throw new AssertionError("not an SSE line: " + line);
        }
      }
      JsonNode parsed = data.toString().equals("[DONE]") ? JSON.getNodeFactory().textNode("[DONE]")
          : parse(data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (!name.isEmpty()) {
        assertThat(parsed.path("type").asText()).as("event line of %s", parsed).isEqualTo(name);
      }
      events.add(new Event(name, parsed));
    }
    // The client's own SSE reader sees the same events.
    assertThat(new SseEvents().feed(sse)).hasSize(events.size());
    return events;
  }
}
