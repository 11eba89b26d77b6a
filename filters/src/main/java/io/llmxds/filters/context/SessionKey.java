package io.llmxds.filters.context;

import java.util.Optional;

/**
 * Which conversation a request belongs to: the value of the policy's session header, and of its user header when
 * the policy names one and the request carries it (the same session id of two users is two conversations), under
 * the consumer the gateway authenticated (the same session id of two consumers is two conversations too; none on an
 * anonymous gateway).
 */
public record SessionKey(String sessionId, Optional<String> userId, Optional<String> consumer) {

  /** A session on an anonymous gateway. */
  public SessionKey(String sessionId, Optional<String> userId) {
    this(sessionId, userId, Optional.empty());
  }
}
