package io.llmxds.cp.observe;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** The names of our spans and their attributes (docs/observability.md lists them). */
public final class SpanAttributes {
  public static final String RELOAD_SPAN = "policy.reload";
  /** A kept version republished in place of the serving one (an operator's rollback or the guard's). */
  public static final String ROLLBACK_SPAN = "policy.rollback";
  public static final String PUSH_SPAN = "xds.push";
  public static final String STREAM_SPAN = "xds.stream";
  public static final String REFUSED_SPAN = "xds.stream.refused";

  public static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("llm_xds.reload.trigger");
  public static final AttributeKey<String> ACTOR = AttributeKey.stringKey("llm_xds.reload.actor");
  public static final AttributeKey<String> RELOAD_STATUS = AttributeKey.stringKey("llm_xds.reload.status");
  public static final AttributeKey<Double> RELOAD_DURATION_MS = AttributeKey.doubleKey("llm_xds.reload.duration_ms");
  public static final AttributeKey<String> CHANGES = AttributeKey.stringKey("llm_xds.reload.changes");
  public static final AttributeKey<Long> ERROR_COUNT = AttributeKey.longKey("llm_xds.reload.error_count");
  /** The etcd revision the candidate bundle was read at (etcd sources only). */
  public static final AttributeKey<Long> SOURCE_REVISION = AttributeKey.longKey("llm_xds.source.revision");
  public static final AttributeKey<String> CONFIG_VERSION = AttributeKey.stringKey("llm_xds.config.version");
  public static final AttributeKey<String> PREVIOUS_VERSION = AttributeKey.stringKey("llm_xds.config.previous_version");
  public static final String VALIDATION_ERROR_EVENT = "validation.error";
  public static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("message");

  public static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("xds.node.id");
  public static final AttributeKey<String> NODE_CLUSTER = AttributeKey.stringKey("xds.node.cluster");
  public static final AttributeKey<Long> STREAM_ID = AttributeKey.longKey("xds.stream.id");
  public static final AttributeKey<String> TYPE_URL = AttributeKey.stringKey("xds.type_url");
  public static final AttributeKey<String> VERSION = AttributeKey.stringKey("xds.version");
  public static final AttributeKey<String> NONCE = AttributeKey.stringKey("xds.nonce");
  public static final AttributeKey<Long> RESOURCE_COUNT = AttributeKey.longKey("xds.resource.count");
  public static final AttributeKey<List<String>> RESOURCE_NAMES = AttributeKey.stringArrayKey("xds.resource.names");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("xds.outcome");
  public static final AttributeKey<Double> ANSWER_MS = AttributeKey.doubleKey("xds.answer_ms");
  public static final AttributeKey<Long> ERROR_CODE = AttributeKey.longKey("xds.error.code");
  public static final AttributeKey<String> ERROR_MESSAGE = AttributeKey.stringKey("xds.error.message");
  public static final AttributeKey<String> KEPT_VERSION = AttributeKey.stringKey("xds.kept_version");
  /** A NACK is recorded like an exception (OpenTelemetry semantic conventions), so backends highlight it. */
  public static final String EXCEPTION_EVENT = "exception";
  public static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  public static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  public static final String NACK_EXCEPTION_TYPE = "xds.NACK";
  public static final AttributeKey<List<String>> PEER_SANS = AttributeKey.stringArrayKey("xds.peer.sans");
  public static final AttributeKey<String> REFUSAL_REASON = AttributeKey.stringKey("xds.refusal.reason");
  public static final String REFUSAL_EXCEPTION_TYPE = "xds.PERMISSION_DENIED";
  public static final AttributeKey<String> SUPERSEDED_BY = AttributeKey.stringKey("xds.superseded_by_nonce");

  private SpanAttributes() {}
}
