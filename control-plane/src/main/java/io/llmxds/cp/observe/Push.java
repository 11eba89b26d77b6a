package io.llmxds.cp.observe;

import com.google.protobuf.Any;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One response sent to one node on one stream for one type, identified by (stream, nonce).
 *
 * @param typeVersion the {@code version_info} sent
 * @param config the config version and reload it belongs to, when known (it is unless the version is older than
 *     {@link ConfigVersions} remembers)
 * @param resourceNames the first {@link PushCorrelator#MAX_NAMES} resource names, for spans and status
 * @param resources the resources as sent (shared with the server's serialization cache, not copied)
 */
public record Push(
    long streamId,
    XdsNode node,
    String typeUrl,
    String typeVersion,
    Optional<ConfigVersions.Registered> config,
    String nonce,
    int resourceCount,
    List<String> resourceNames,
    List<Any> resources,
    Instant sentAt,
    long sentNanos) {

  public String configVersion() {
    return config.map(ConfigVersions.Registered::configVersion).orElse("");
  }
}
