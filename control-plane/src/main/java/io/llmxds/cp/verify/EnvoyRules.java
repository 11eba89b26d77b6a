package io.llmxds.cp.verify;

import com.google.protobuf.Message;
import io.llmxds.cp.translate.EnvoyResources;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's own proto validation ({@code validate.rules}, protoc-gen-validate), read from the API descriptors at
 * runtime and applied to a snapshot before it is pushed: what Envoy would NACK at the proto layer is found here
 * first. No generated validators exist for Java (PGV's Java runtime validates nothing), hence a reflective walk; the
 * rules of each message type are compiled once, and a clean resource costs no string building.
 * The supported rule kinds and what is left out: docs/verification.md.
 */
public final class EnvoyRules {

  private EnvoyRules() {}

  /** Every violation in a snapshot, one line each: {@code <Type> <name>: <path>: <rule> (value: <value>)}. */
  public static List<String> check(EnvoyResources resources) {
    return check(resources, new UnpackedAnys());
  }

  /** As {@link #check(EnvoyResources)}, sharing the unpacked {@code Any}s with other checks of the same resources. */
  public static List<String> check(EnvoyResources resources, UnpackedAnys anys) {
    List<Violation> found = new ArrayList<>();
    resources.clusters().forEach(r -> walk(r, anys, found));
    resources.endpoints().forEach(r -> walk(r, anys, found));
    resources.listeners().forEach(r -> walk(r, anys, found));
    resources.routes().forEach(r -> walk(r, anys, found));
    resources.secrets().forEach(r -> walk(r, anys, found));
    List<String> lines = new ArrayList<>(found.size());
    found.forEach(v -> lines.add(v.toString()));
    return lines;
  }

  /** Every violation in one resource (or any Envoy message), labelled by its type and name. */
  public static List<Violation> violations(Message resource) {
    List<Violation> found = new ArrayList<>();
    walk(resource, new UnpackedAnys(), found);
    return found;
  }

  private static void walk(Message resource, UnpackedAnys anys, List<Violation> found) {
    RuleWalk.walk(ResourceLabel.of(resource), resource, anys, found);
  }
}
