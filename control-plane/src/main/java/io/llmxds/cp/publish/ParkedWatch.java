package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Watch;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The watch handed to the stream for a request the cache would leave unanswered for the wrong reason: a NACK of the
 * current version, or any request that arrives before the node's group has a snapshot. It waits, outside the cache,
 * until its type's version differs from the one it was parked at ({@code parkedAt}; empty for "no snapshot yet");
 * then {@link #reissue} creates the real watch in the cache, which answers it at once with the new config. Cancelling
 * (a newer request of the same type, or the stream closing) un-parks it or cancels the real watch.
 */
final class ParkedWatch extends Watch {

  private final WatchRequest pending;
  private final String group;
  private final Optional<String> parkedAt;
  private volatile Watch reissued;

  ParkedWatch(WatchRequest pending, String group, Optional<String> parkedAt, Consumer<ParkedWatch> unpark) {
    super(
        pending.ads(),
        pending.allowDefaultEmptyEdsUpdate(),
        pending.request(),
        pending.responseConsumer());
    this.pending = pending;
    this.group = group;
    this.parkedAt = parkedAt;
    setStop(
        () -> {
          unpark.accept(this);
          Watch real = reissued;
          if (real != null) {
            real.cancel();
          }
        });
  }

  String group() {
    return group;
  }

  String typeUrl() {
    return pending.typeUrl();
  }

  Optional<String> parkedAt() {
    return parkedAt;
  }

  void reissue(ConfigWatcher cache) {
    if (isCancelled()) {
      return;
    }
    reissued = pending.createOn(cache);
    // A cancel that ran while the cache was creating the watch saw no real watch to cancel: cancel it here.
    if (isCancelled()) {
      reissued.cancel();
    }
  }
}
