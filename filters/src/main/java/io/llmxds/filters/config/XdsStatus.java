package io.llmxds.filters.config;

import java.util.Map;
import java.util.Optional;

/**
 * The ADS connection as {@code GET /healthz} shows it.
 *
 * @param state {@code connecting} (no response yet), {@code connected} (the stream delivered a response),
 *     {@code reconnecting} (the stream was lost; {@code lastError} says why)
 * @param versions the applied version of each type ({@code ""}: none yet)
 */
public record XdsStatus(String server, String state, Optional<String> lastError, Map<ResourceType, String> versions) {
  public XdsStatus {
    versions = Map.copyOf(versions);
  }
}
