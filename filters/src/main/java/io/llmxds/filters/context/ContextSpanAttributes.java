package io.llmxds.filters.context;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

/**
 * The attributes every context span carries ({@code context.read}, {@code context.migrate}, {@code context.write},
 * {@code context.inject}). Ids and counts only: prompt and completion text never goes into a span.
 */
public final class ContextSpanAttributes {

  /** The data-path config version the request runs under (one per request, however often the config changes). */
  public static final AttributeKey<String> CONFIG_VERSION = AttributeKey.stringKey("llm_xds.config_version");
  public static final AttributeKey<String> POLICY = AttributeKey.stringKey("llm_xds.context.policy");
  public static final AttributeKey<String> POLICY_VERSION = AttributeKey.stringKey("llm_xds.context.policy_version");
  /** The schema of the record the span read or wrote. */
  public static final AttributeKey<String> SCHEMA = AttributeKey.stringKey("llm_xds.context.schema");
  /** The store the span read or wrote. */
  public static final AttributeKey<String> STORE = AttributeKey.stringKey("llm_xds.context.store");
  /** {@code context.migrate}: the store and schema the old record was read from. */
  public static final AttributeKey<String> MIGRATED_FROM_STORE =
      AttributeKey.stringKey("llm_xds.context.migrated_from.store");
  public static final AttributeKey<String> MIGRATED_FROM_SCHEMA =
      AttributeKey.stringKey("llm_xds.context.migrated_from.schema");
  public static final AttributeKey<Long> TURNS = AttributeKey.longKey("llm_xds.context.turns");
  /** {@link SessionKeys#hash(SessionKey)}, never the session or user id itself. */
  public static final AttributeKey<String> SESSION = AttributeKey.stringKey("llm_xds.context.session");

  private ContextSpanAttributes() {}

  /** The request's policy and hashed session, with the store and record schema the span is about. */
  public static Attributes of(RequestPolicy policy, SessionKey session, String store, RequestPolicy.Schema schema) {
    return Attributes.builder()
        .put(CONFIG_VERSION, policy.config())
        .put(POLICY, policy.name())
        .put(POLICY_VERSION, policy.version())
        .put(SCHEMA, SessionKeys.schemaName(schema))
        .put(STORE, store)
        .put(SESSION, SessionKeys.hash(session))
        .build();
  }
}
