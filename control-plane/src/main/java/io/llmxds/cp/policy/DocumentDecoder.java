package io.llmxds.cp.policy;

import io.llmxds.cp.policy.YamlNode.Mapping;
import io.llmxds.cp.policy.YamlNode.Scalar;
import java.util.List;
import java.util.Optional;

/** Reads one policy document: its envelope ({@code apiVersion}, {@code kind}, {@code metadata}), then its spec. */
final class DocumentDecoder {

  static final String API_VERSION = "llm-xds.io/v1alpha1";
  private static final FieldSet ENVELOPE = FieldSet.of("apiVersion", "kind", "metadata", "spec");
  private static final FieldSet METADATA = FieldSet.of("name");
  private static final Conversion<Kind> KIND = Values.STRING.then(text -> Kind.named(text).orElseThrow(
      () -> new InvalidValue("unknown kind \"" + text + "\" (known: " + Kind.KNOWN + ")")));

  private DocumentDecoder() {}

  /** The document if its kind is known; its errors go to {@code sink} either way. */
  static Optional<Declared> decode(
      String file, YamlDocuments.Document document, List<PolicyError> sink, ReferencedFiles files) {
    DocumentScope scope = new DocumentScope(file, label(document), document.root().location(), sink);
    if (!(document.root() instanceof Mapping)) {
      scope.error(document.root().location(), "", "a policy document must be a mapping with apiVersion, kind,"
          + " metadata and spec, got " + document.root().describe());
      return Optional.empty();
    }
    MappingReader root = MappingReader.of(document.root(), "", scope, ENVELOPE).orElseThrow();
    root.required("apiVersion", Values.STRING).filter(v -> !v.equals(API_VERSION)).ifPresent(
        v -> root.error("apiVersion", "must be \"" + API_VERSION + "\" (got \"" + v + "\")"));
    Optional<Kind> kind = root.required("kind", KIND);
    Optional<String> name = root.requiredMapping("metadata", METADATA).flatMap(m -> m.required("name", Values.NAME));
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    Optional<?> value = root.requiredMapping("spec", kind.get().spec())
        .flatMap(spec -> kind.get().decoder().decode(name.orElse("?"), spec, files));
    return Optional.of(new Declared(kind.get(), name, scope, scope.hasErrors() ? Optional.empty() : value));
  }

  /**
   * {@code Kind/name} when the document says both validly; {@code Kind/?} without a name; {@code (document N)}
   * without a known kind. Worked out before any error is reported, so that every error of the document has it.
   */
  private static String label(YamlDocuments.Document document) {
    Optional<String> kind = text(document.root(), "kind").filter(k -> Kind.named(k).isPresent());
    if (kind.isEmpty()) {
      return "(document " + document.index() + ")";
    }
    Optional<String> name = document.root() instanceof Mapping root && root.fields().containsKey("metadata")
        ? text(root.fields().get("metadata").value(), "name")
        : Optional.empty();
    return kind.get() + "/" + name.filter(Values::isName).orElse("?");
  }

  private static Optional<String> text(YamlNode node, String key) {
    if (node instanceof Mapping mapping && mapping.fields().containsKey(key)) {
      YamlNode value = mapping.fields().get(key).value();
      if (value instanceof Scalar scalar && scalar.type() == YamlNode.ScalarType.STRING) {
        return Optional.of(scalar.text());
      }
    }
    return Optional.empty();
  }
}
