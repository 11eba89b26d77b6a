package io.llmxds.cp.observe;

/**
 * Receives pushes and their outcomes from {@link PushCorrelator}: every push is sent once and answered exactly once.
 * Calls come from gRPC threads and the publisher thread, concurrently for different streams and in order for one
 * stream: implementations must be cheap and thread-safe.
 */
public interface PushObserver {

  default void onStreamOpened(long streamId) {}

  /** The stream's first request named its node. */
  default void onNodeIdentified(long streamId, XdsNode node) {}

  /**
   * The node now subscribes to {@code typeUrl} on this stream ({@code subscribed}), or has unsubscribed from it: a
   * request for EDS, RDS or SDS with no resource names. (An empty CDS or LDS request is a wildcard subscription.)
   */
  default void onSubscription(long streamId, XdsNode node, String typeUrl, boolean subscribed) {}

  default void onPushSent(Push push) {}

  default void onPushAnswered(Push push, PushOutcome outcome) {}

  default void onStreamClosed(long streamId, XdsNode node) {}
}
