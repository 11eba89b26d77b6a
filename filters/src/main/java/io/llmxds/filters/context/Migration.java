package io.llmxds.filters.context;

import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.List;

/** Schema migrations of stored turns (docs/context-protocol.md, mode {@code v1_v2_migration}). */
final class Migration {

  private Migration() {}

  /**
   * Turns of {@code from} as v2 turns. A v1 turn becomes a v2 turn with the same role and content and no time, model
   * or token counts: v1 never recorded them, and a migration invents nothing. A v2 turn (a store move) stays as is.
   */
  static List<Turn> toV2(Schema from, List<Turn> turns) {
    return from == Schema.V2 ? turns : turns.stream().map(turn -> Turn.of(turn.role(), turn.content())).toList();
  }
}
