package io.llmxds.filters.extproc;

import java.util.Locale;

/** Why the service let a request or response through without its context work (a metric tag; the protocol doc). */
enum Bypass {
  NOT_LLM_API, NOT_CONVERSATION, BODY_TOO_LARGE, BODY_INCOMPLETE, INVALID_UTF8, NOT_JSON, INVALID_FIELD, NO_MESSAGES, NO_POLICY, NO_SESSION,
  UNTRANSLATABLE, MALFORMED_SSE, UNREADABLE_RESPONSE;

  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
