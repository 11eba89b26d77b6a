package io.llmxds.cp.verify.load;

import com.google.protobuf.Message;
import io.llmxds.cp.verify.ResourceLabel;
import java.util.ArrayList;
import java.util.List;

/** The findings of the load-time checks, one line each, in the order the rules found them. */
final class LoadProblems {

  static final String ENVOY = "Envoy v1.34.0 ";
  static final String IGNORES = "accepts this and silently ignores it";

  private final List<String> lines = new ArrayList<>();

  /**
   * One finding. What Envoy rejects ({@code envoyDoes} null): {@code <Type> <name>: <path>: <reason> (Envoy v1.34.0
   * <citation>)}. llm-xds's own rule: {@code ... <reason> (llm-xds rule: Envoy v1.34.0 <envoyDoes>, <citation>)}.
   */
  void add(Message resource, Where where, String reason, String envoyDoes, String citation) {
    String path = where.toString();
    String line = ResourceLabel.of(resource) + ": " + (path.isEmpty() ? "" : path + ": ") + reason;
    lines.add(envoyDoes == null ? line + " (" + ENVOY + citation + ")"
        : line + " (llm-xds rule: " + ENVOY + envoyDoes + ", " + citation + ")");
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
