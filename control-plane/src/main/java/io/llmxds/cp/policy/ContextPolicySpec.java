package io.llmxds.cp.policy;

import io.llmxds.cp.policy.ContextPolicy.FailureMode;
import io.llmxds.cp.policy.ContextPolicy.Mode;
import io.llmxds.cp.policy.ContextPolicy.Schema;
import io.llmxds.cp.policy.ContextPolicy.MigrateFrom;
import java.util.Optional;

/** Reads a ContextPolicy's spec. */
final class ContextPolicySpec {

  static final FieldSet FIELDS = FieldSet.of(
      "sessionHeader", "userHeader", "schema", "mode", "maxTurns", "maxInjectedChars", "store", "failureMode",
      "migrateFrom");
  private static final FieldSet MIGRATE_FROM = FieldSet.of("store", "schema");

  private ContextPolicySpec() {}

  static Optional<ContextPolicy> decode(String name, MappingReader spec, ReferencedFiles files) {
    Optional<String> sessionHeader = spec.required("sessionHeader", Values.HEADER_NAME);
    String userHeader = spec.optional("userHeader", Values.HEADER_NAME, "");
    Optional<Schema> schema = spec.required("schema", Values.oneOf(Schema.values(), Schema::wire));
    Mode mode = spec.optional("mode", Values.oneOf(Mode.values(), Mode::wire), Mode.STRICT);
    if (mode == Mode.V1_V2_MIGRATION && schema.equals(Optional.of(Schema.V1))) {
      spec.error("mode", "v1_v2_migration migrates stored v1 records to v2, so it needs schema v2 (schema is v1)");
    }
    int maxTurns = spec.optional("maxTurns", Values.integer(1, 1000), 20);
    int maxChars = spec.optional("maxInjectedChars", Values.integer(1, 10_000_000), 32_000);
    String store = spec.optional("store", Values.NAME, ContextStore.BUILT_IN_MEMORY);
    if (!store.equals(ContextStore.BUILT_IN_MEMORY)) {
      spec.scope().refer(Kind.CONTEXT_STORE, store, spec.pathOf("store"));
    }
    FailureMode failureMode =
        spec.optional("failureMode", Values.oneOf(FailureMode.values(), FailureMode::wire), FailureMode.OPEN);
    Optional<MigrateFrom> migrateFrom = spec.optionalMapping("migrateFrom", MIGRATE_FROM).flatMap(m -> {
      Optional<String> from = m.required("store", Values.NAME);
      from.filter(f -> !f.equals(ContextStore.BUILT_IN_MEMORY))
          .ifPresent(f -> m.scope().refer(Kind.CONTEXT_STORE, f, m.pathOf("store")));
      Schema fromSchema = m.optional("schema", Values.oneOf(Schema.values(), Schema::wire), Schema.V1);
      // v2 → v2 is a pure store move; from the policy's own store it would read the records it writes.
      if (fromSchema == Schema.V2 && from.equals(Optional.of(store))) {
        m.error("schema", "v2 records of the policy's own store are the ones it reads and writes: migrating v2 "
            + "records needs another store");
      }
      return from.map(f -> new MigrateFrom(f, fromSchema));
    });
    if (migrateFrom.isPresent() && mode != Mode.V1_V2_MIGRATION) {
      spec.error("migrateFrom", "migrateFrom names the old records of a migration: it needs mode v1_v2_migration");
    }
    return spec.build(() -> new ContextPolicy(
        name, sessionHeader.get(), userHeader, schema.get(), mode, maxTurns, maxChars, store, failureMode,
        migrateFrom));
  }
}
