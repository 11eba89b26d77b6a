package io.llmxds.filters.context;

import java.util.List;

/** Schema migrations of stored turns (docs/context-protocol.md, mode {@code v1_v2_migration}). */
final class Migration {

  private Migration() {}

  /**
   * Each v1 turn becomes a v2 turn with the same role and content and no time, model or token counts: v1 never
   * recorded them, and a migration invents nothing.
   */
  static List<Turn> v1ToV2(List<Turn> v1Turns) {
    return v1Turns.stream().map(turn -> Turn.of(turn.role(), turn.content())).toList();
  }
}
