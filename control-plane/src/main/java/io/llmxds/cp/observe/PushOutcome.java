package io.llmxds.cp.observe;

import java.time.Duration;

/** How a push ended: the node answered it, or it stopped mattering. */
public sealed interface PushOutcome {

  /** The wire word for spans, logs and status. */
  String word();

  /** The node applied the config. */
  record Acked(Duration latency) implements PushOutcome {
    @Override
    public String word() {
      return "ack";
    }
  }

  /**
   * The node rejected the config and keeps {@code keptVersion}; {@code code} and {@code message} are the node's own
   * {@code error_detail}.
   */
  record Nacked(Duration latency, int code, String message, String keptVersion) implements PushOutcome {
    @Override
    public String word() {
      return "nack";
    }
  }

  /** A newer push of the same type went to the node before it answered. */
  record Superseded(String byNonce) implements PushOutcome {
    @Override
    public String word() {
      return "superseded";
    }
  }

  /** The stream closed before the node answered. */
  record StreamClosed() implements PushOutcome {
    @Override
    public String word() {
      return "stream_closed";
    }
  }
}
