package io.llmxds.cp.policy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.llmxds.cp.policy.YamlNode.Field;
import io.llmxds.cp.policy.YamlNode.Location;
import io.llmxds.cp.policy.YamlNode.ScalarType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Splits a YAML file into its documents and turns each into a located {@link YamlNode} tree. Jackson's streaming
 * parser is used (not its {@code JsonNode} trees) because only the token stream carries a location per value.
 */
final class YamlDocuments {

  private static final YAMLFactory YAML = new YAMLFactory();

  private YamlDocuments() {}

  /**
   * @param index 1-based position of the document in its file, counting empty documents
   */
  record Document(int index, YamlNode root) {}

  /** The documents read before the end of the file or the first syntax error. */
  record Parsed(List<Document> documents, Optional<PolicyError> syntaxError) {
    Parsed {
      documents = List.copyOf(documents);
    }
  }

  /** A problem the YAML itself has, found while building the tree. */
  private static final class SyntaxProblem extends Exception {
    final Location location;

    SyntaxProblem(Location location, String reason) {
      super(reason, null, false, false);
      this.location = location;
    }
  }

  static Parsed parse(String file, String text) {
    List<Document> documents = new ArrayList<>();
    int index = 1; // the document being read, so that a syntax error can name it
    try (YAMLParser parser = YAML.createParser(text)) {
      for (; parser.nextToken() != null; index++) {
        YamlNode root = node(parser);
        // an empty document ("---" followed by nothing but comments) has a null root: it says nothing
        if (!(root instanceof YamlNode.Scalar scalar && scalar.type() == ScalarType.NULL)) {
          documents.add(new Document(index, root));
        }
      }
      return new Parsed(documents, Optional.empty());
    } catch (SyntaxProblem e) {
      return failed(file, documents, index, e.location, e.getMessage());
    } catch (JacksonException e) {
      return failed(file, documents, index, location(e), "YAML syntax error: " + reason(e));
    } catch (IOException e) {
      // parsing a String does no I/O; anything else is a parser failure without a location
      return failed(file, documents, index, new Location(0, 0), "YAML syntax error: " + e.getClass().getSimpleName());
    }
  }

  private static Parsed failed(String file, List<Document> before, int index, Location at, String reason) {
    String where = "(document " + index + ")";
    return new Parsed(before, Optional.of(new PolicyError(file, at.line(), at.column(), where, reason)));
  }

  private static YamlNode node(YAMLParser parser) throws IOException, SyntaxProblem {
    Location at = location(parser.currentTokenLocation());
    if (parser.isCurrentAlias()) {
      throw new SyntaxProblem(at, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
    }
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        return mapping(parser, at);
      case START_ARRAY:
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(parser));
        }
        return new YamlNode.Sequence(at, items);
      case VALUE_STRING:
        return new YamlNode.Scalar(at, ScalarType.STRING, parser.getText());
      case VALUE_NUMBER_INT:
        return new YamlNode.Scalar(at, ScalarType.INTEGER, parser.getBigIntegerValue().toString());
      case VALUE_NUMBER_FLOAT:
        return new YamlNode.Scalar(at, ScalarType.FLOAT, parser.getText());
      case VALUE_TRUE:
        return new YamlNode.Scalar(at, ScalarType.BOOLEAN, "true");
      case VALUE_FALSE:
        return new YamlNode.Scalar(at, ScalarType.BOOLEAN, "false");
      case VALUE_NULL:
        return new YamlNode.Scalar(at, ScalarType.NULL, "");
      default:
        throw new SyntaxProblem(at, "unsupported YAML value (" + token + "); use plain strings, numbers and booleans");
    }
  }

  private static YamlNode mapping(YAMLParser parser, Location at) throws IOException, SyntaxProblem {
    Map<String, Field> fields = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Location keyAt = location(parser.currentTokenLocation());
      parser.nextToken();
      Field previous = fields.put(key, new Field(keyAt, node(parser)));
      if (previous != null) {
        throw new SyntaxProblem(
            keyAt, "duplicate key \"" + key + "\" (first at line " + previous.keyLocation().line() + ")");
      }
    }
    return new YamlNode.Mapping(at, fields);
  }

  private static Location location(JsonLocation location) {
    return new Location(Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0));
  }

  /** SnakeYAML's problem mark is exact where Jackson's own location sometimes lags a token behind. */
  private static Location location(JacksonException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      return location(marked.getProblemMark());
    }
    return e.getLocation() == null ? new Location(0, 0) : location(e.getLocation());
  }

  private static Location location(Mark mark) {
    return new Location(mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String reason(JacksonException e) {
    if (e.getCause() instanceof MarkedYAMLException marked) {
      Mark context = marked.getContextMark();
      return marked.getProblem()
          + (marked.getContext() == null || context == null
              ? ""
              : " (" + marked.getContext() + " at " + location(context) + ")");
    }
    return e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
  }
}
