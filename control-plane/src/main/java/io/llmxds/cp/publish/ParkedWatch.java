package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Watch;
import java.util.function.Consumer;

/**
 * The watch handed to the stream for a NACK of the current version. It waits, outside the cache, until a snapshot
 * with a different version for its type exists; then {@link #reissue} creates the real watch in the cache. The
 * request still carries the client's old {@code version_info}, so the cache answers it at once with the new config.
 * Cancelling (a newer request of the same type, or the stream closing) un-parks it or cancels the real watch.
 */
final class ParkedWatch extends Watch {

  private final WatchRequest pending;
  private final String group;
  private final String rejectedVersion;
  private volatile Watch reissued;

  ParkedWatch(WatchRequest pending, String group, String rejectedVersion, Consumer<ParkedWatch> unpark) {
    super(
        pending.ads(),
        pending.allowDefaultEmptyEdsUpdate(),
        pending.request(),
        pending.responseConsumer());
    this.pending = pending;
    this.group = group;
    this.rejectedVersion = rejectedVersion;
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

  String rejectedVersion() {
    return rejectedVersion;
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
