package io.llmxds.filters.unified;

import static io.llmxds.filters.unified.UnifiedSamples.ANTHROPIC_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.JSON;
import static io.llmxds.filters.unified.UnifiedSamples.OPENAI_CLIENT;
import static io.llmxds.filters.unified.UnifiedSamples.bytes;
import static io.llmxds.filters.unified.UnifiedSamples.events;
import static io.llmxds.filters.unified.UnifiedSamples.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of every sample (fields dropped, duplicated, retyped, strings cut, at every depth): each body
 * translates or is refused with an {@link Untranslatable} naming a field, never another exception; each garbled
 * stream ends with exactly one terminal event — the client's normal end or one error event.
 */
class TranslationFuzzTest {
  private static final int CASES = 1000;

  interface Translate {
    ObjectNode apply(ObjectNode body) throws Untranslatable;
  }

  @Test
  void mutatedBodiesTranslateOrNameAField() {
    int refused = 0;
    refused += fuzz("openai-request.json", OPENAI_CLIENT::request, 1);
    refused += fuzz("anthropic-request.json", ANTHROPIC_CLIENT::request, 2);
    refused += fuzz("anthropic-answer.json", OPENAI_CLIENT::response, 3);
    refused += fuzz("openai-answer.json", ANTHROPIC_CLIENT::response, 4);
    // The mutations reach both outcomes (a fuzz that only ever translates tests nothing).
    assertThat(refused).isBetween(CASES / 2, 4 * CASES - CASES / 2);
  }

  private static int fuzz(String sample, Translate translate, long seed) {
    Random random = new Random(seed);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      ObjectNode body = json(sample);
      for (int m = 0; m <= random.nextInt(3); m++) {
        mutate(body, random);
      }
      String input = body.toString();
      try {
        translate.apply(body);
      } catch (Untranslatable e) {
        refused++;
        assertThat(e.field()).as("field of %s for %s", e.reason(), input).isNotEmpty();
        assertThat(e.reason()).isNotEmpty();
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " of " + sample + " threw on " + input, e);
      }
    }
    return refused;
  }

  @Test
  void garbledStreamsEndWithOneTerminalEvent() {
    fuzzStream("anthropic-stream.sse", true, 5);
    fuzzStream("openai-stream.sse", false, 6);
  }

  private static void fuzzStream(String sample, boolean openAiClient, long seed) {
    Random random = new Random(seed);
    List<String> events = new ArrayList<>(List.of(new String(bytes(sample), StandardCharsets.UTF_8).split("\n\n")));
    for (int i = 0; i < CASES / 2; i++) {
      List<String> garbled = new ArrayList<>(events);
      int at = random.nextInt(garbled.size());
      switch (random.nextInt(5)) {
        case 0 -> garbled.remove(at);
        case 1 -> garbled.add(at, garbled.get(random.nextInt(garbled.size())));
        case 2 -> garbled.set(at, "data: " + randomText(random));
        case 3 -> garbled.set(at, mutatedEvent(garbled.get(at), random));
        default -> {
          String event = garbled.get(at);
          garbled.set(at, event.substring(0, random.nextInt(event.length() + 1)));
        }
      }
      byte[] stream = (String.join("\n\n", garbled) + "\n\n").getBytes(StandardCharsets.UTF_8);
      ApiTranslation translation = openAiClient ? OPENAI_CLIENT : ANTHROPIC_CLIENT;
      List<UnifiedSamples.Event> out;
      try {
        out = events(UnifiedSamples.feed(translation.stream(), UnifiedSamples.randomCuts(stream, random)));
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " of " + sample + " threw on " + new String(stream,
            StandardCharsets.UTF_8), e);
      }
      assertThat(out).as("case %d of %s", i, sample).isNotEmpty();
      long terminal = out.stream().filter(e -> terminal(e, openAiClient)).count();
      assertThat(terminal).as("terminal events of case %d of %s: %s", i, sample, out).isEqualTo(1);
      assertThat(terminal(out.get(out.size() - 1), openAiClient)).as("case %d ends with it", i).isTrue();
    }
  }

  private static boolean terminal(UnifiedSamples.Event event, boolean openAiClient) {
    return openAiClient ? event.done() || event.data().has("error")
        : event.name().equals("message_stop") || event.name().equals("error");
  }

  private static String mutatedEvent(String event, Random random) {
    int data = event.indexOf("data: ");
    try {
      JsonNode json = JSON.readTree(event.substring(data + 6));
      if (json instanceof ObjectNode object) {
        mutate(object, random);
        return event.substring(0, data) + "data: " + object;
      }
    } catch (JsonProcessingException e) {
      // [DONE] and the like: left as they are.
    }
    return event;
  }

  /** One mutation at a random node of the tree. */
  static void mutate(ObjectNode root, Random random) {
    List<ContainerNode<?>> containers = new ArrayList<>();
    collect(root, containers);
    ContainerNode<?> container = containers.get(random.nextInt(containers.size()));
    if (container.isEmpty()) {
      return;
    }
    JsonNode replacement = switch (random.nextInt(8)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.getNodeFactory().numberNode(random.nextInt(5) - 1);
      case 2 -> JSON.getNodeFactory().textNode(randomText(random));
      case 3 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
      case 4 -> JSON.createArrayNode();
      case 5 -> JSON.createObjectNode();
      default -> null;
    };
    if (container instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (replacement == null && random.nextBoolean()) {
        object.remove(name);
      } else if (replacement == null) {
        JsonNode value = object.get(name);
        object.put(name, value.isTextual() ? value.asText().substring(0, value.asText().length() / 2) : "x");
      } else {
        object.set(name, replacement);
      }
    } else {
      ArrayNode array = (ArrayNode) container;
      int index = random.nextInt(array.size());
      if (replacement == null && random.nextBoolean()) {
        array.remove(index);
      } else if (replacement == null) {
        array.insert(index, array.get(index).deepCopy());
      } else {
        array.set(index, replacement);
      }
    }
  }

  private static void collect(JsonNode node, List<ContainerNode<?>> containers) {
    if (node instanceof ContainerNode<?> container) {
      containers.add(container);
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        collect(it.next(), containers);
      }
    }
  }

  private static String randomText(Random random) {
    String[] pieces = {"{", "}", "[DONE]", "\"", "message_stop", "{\"type\":\"message_stop\"}", "é", "null", "1"};
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 1 + random.nextInt(4); i++) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }
}
