package io.llmxds.filters.context;

import java.util.Optional;

/**
 * Which conversation a request belongs to: the value of the policy's session header, and of its user header when
 * the policy names one and the request carries it (the same session id of two users is two conversations).
 */
public record SessionKey(String sessionId, Optional<String> userId) {}
