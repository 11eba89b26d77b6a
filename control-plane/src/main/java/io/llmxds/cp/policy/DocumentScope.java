package io.llmxds.cp.policy;

import io.llmxds.cp.policy.YamlNode.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy document as errors see it: its file, its label ({@code Kind/name}), the location of every field that
 * was read, and the names it refers to or claims, which only the whole bundle can check.
 */
final class DocumentScope {

  /** A name this document refers to, e.g. a backend's provider. */
  record Reference(Kind kind, String name, String path) {}

  /** A value this document takes for itself, which no other document of the bundle may also take. */
  record Claim(ClaimKind kind, String value, String path) {}

  private final String file;
  private final String label;
  private final Location start;
  private final List<PolicyError> sink;
  private final Map<String, Location> locations = new HashMap<>();
  private final List<Reference> references = new ArrayList<>();
  private final List<Claim> claims = new ArrayList<>();
  private int errors;

  DocumentScope(String file, String label, Location start, List<PolicyError> sink) {
    this.file = file;
    this.label = label;
    this.start = start;
    this.sink = sink;
  }

  String file() {
    return file;
  }

  String label() {
    return label;
  }

  void remember(String path, Location location) {
    locations.putIfAbsent(path, location);
  }

  /** Where the value at {@code path} was written; the document's start if it was never read. */
  Location locationOf(String path) {
    return locations.getOrDefault(path, start);
  }

  /** {@code file:line}, for errors that point from one document to another. */
  String where(String path) {
    Location at = locationOf(path);
    return file + ":" + at.line();
  }

  void error(Location at, String path, String reason) {
    errors++;
    sink.add(new PolicyError(file, at.line(), at.column(), path.isEmpty() ? label : label + ": " + path, reason));
  }

  /** An error at a field that was read before, e.g. a reference found dangling once all documents are known. */
  void error(String path, String reason) {
    error(locationOf(path), path, reason);
  }

  boolean hasErrors() {
    return errors > 0;
  }

  void refer(Kind kind, String name, String path) {
    references.add(new Reference(kind, name, path));
  }

  void claim(ClaimKind kind, String value, String path) {
    claims.add(new Claim(kind, value, path));
  }

  List<Reference> references() {
    return List.copyOf(references);
  }

  List<Claim> claims() {
    return List.copyOf(claims);
  }
}
