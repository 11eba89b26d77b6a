package io.llmxds.filters.extproc;

import io.llmxds.filters.context.Turn;
import java.util.List;

/**
 * Which stored turns are injected: the newest {@code maxTurns}, then the oldest dropped until the contents hold at
 * most {@code maxChars} characters.
 */
final class HistoryLimits {
  private HistoryLimits() {}

  static List<Turn> newestWithin(List<Turn> history, int maxTurns, int maxChars) {
    int from = Math.max(0, history.size() - maxTurns);
    long chars = chars(history.subList(from, history.size()));
    while (from < history.size() && chars > maxChars) {
      chars -= history.get(from).content().length();
      from++;
    }
    return List.copyOf(history.subList(from, history.size()));
  }

  static long chars(List<Turn> turns) {
    return turns.stream().mapToLong(t -> t.content().length()).sum();
  }
}
