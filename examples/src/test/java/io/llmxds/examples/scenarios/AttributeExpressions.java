package io.llmxds.examples.scenarios;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ext_proc {@code request_attributes} as Envoy evaluates them for one try (docs/envoy-semantics.md X19, U2): the CEL
 * subset the translation emits — {@code xds.route_metadata}, {@code xds.upstream_host_metadata} and {@code metadata}
 * (the stream's dynamic metadata, expr/evaluator.cc:68-69) navigated by
 * {@code .field} and {@code ['key']} or by an index that is itself such an expression. A string result is the
 * attribute; a missing key makes the expression fail and the attribute absent. Any other expression fails loudly.
 */
final class AttributeExpressions {

  private static final Pattern ROOT = Pattern.compile("xds\\.route_metadata|xds\\.upstream_host_metadata|metadata");
  private static final Pattern FIELD = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern QUOTED = Pattern.compile("\\['([^']*)'\\]");

  private final Metadata route;
  private final Metadata host;
  private final Metadata dynamic;

  AttributeExpressions(Metadata route, Metadata host, Metadata dynamic) {
    this.route = route;
    this.host = host;
    this.dynamic = dynamic;
  }

  /** The attributes Envoy sends for these expressions: only those that evaluate to a string. */
  Map<String, String> evaluate(List<String> expressions) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String expression : expressions) {
      Parser parser = new Parser(expression);
      Optional<Value> value = parser.expression();
      parser.end();
      value.filter(Value::hasStringValue).ifPresent(v -> attributes.put(expression, v.getStringValue()));
    }
    return attributes;
  }

  private final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Optional<Value> expression() {
      Matcher root = ROOT.matcher(text).region(at, text.length());
      if (!root.lookingAt()) {
        throw new AssertionError("attribute expression not modelled: " + text);
      }
      at = root.end();
      Metadata metadata = switch (root.group()) {
        case "xds.route_metadata" -> route;
        case "xds.upstream_host_metadata" -> host;
        default -> dynamic;
      };
      Optional<Value> value = Optional.of(Value.newBuilder().setStructValue(asStruct(metadata)).build());
      while (at < text.length() && text.charAt(at) != ']') {
        Optional<String> key = selector();
        value = value.flatMap(v -> field(v, key));
      }
      return value;
    }

    /** {@code .name}, {@code ['name']} or {@code [<expression>]}; empty when an index expression failed. */
    private Optional<String> selector() {
      Matcher field = FIELD.matcher(text).region(at, text.length());
      if (field.lookingAt()) {
        at = field.end();
        return Optional.of(field.group(1));
      }
      Matcher quoted = QUOTED.matcher(text).region(at, text.length());
      if (quoted.lookingAt()) {
        at = quoted.end();
        return Optional.of(quoted.group(1));
      }
      if (text.charAt(at) == '[') {
        at++;
        Optional<String> index = expression().filter(Value::hasStringValue).map(Value::getStringValue);
        if (at >= text.length() || text.charAt(at) != ']') {
          throw new AssertionError("attribute expression not modelled: " + text);
        }
        at++;
        return index;
      }
      throw new AssertionError("attribute expression not modelled: " + text);
    }

    void end() {
      if (at != text.length()) {
        throw new AssertionError("attribute expression not modelled: " + text);
      }
    }

    private Optional<Value> field(Value value, Optional<String> key) {
      if (key.isEmpty() || !value.hasStructValue()) {
        return Optional.empty();
      }
      return Optional.ofNullable(value.getStructValue().getFieldsMap().get(key.get()));
    }
  }

  /** A Metadata message as CEL sees it: {@code filter_metadata} a map of Structs. */
  private static Struct asStruct(Metadata metadata) {
    Struct.Builder filterMetadata = Struct.newBuilder();
    metadata.getFilterMetadataMap().forEach((ns, struct) ->
        filterMetadata.putFields(ns, Value.newBuilder().setStructValue(struct).build()));
    return Struct.newBuilder()
        .putFields("filter_metadata", Value.newBuilder().setStructValue(filterMetadata).build())
        .build();
  }
}
