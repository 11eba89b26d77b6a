package io.llmxds.cp.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what proxies say about the config: a NACK at WARN with the node, the type, the rejected and kept versions,
 * the node's own error text and the trace id of that push; an ACK at DEBUG.
 */
public final class PushLog implements PushObserver {
  private static final Logger log = LoggerFactory.getLogger(PushLog.class);

  @Override
  public void onPushAnswered(Push push, PushOutcome outcome) {
    if (outcome instanceof PushOutcome.Nacked nack) {
      log.warn("NACK from node {} (cluster {}, stream {}) for {} version {} (config {}), keeps version {}: {} "
              + "[trace {}]", push.node().id(), push.node().cluster(), push.streamId(), push.typeUrl(),
          push.typeVersion(), push.configVersion(), nack.keptVersion(), nack.message(),
          push.config().map(c -> c.reloadSpan().getTraceId()).orElse("-"));
    } else if (outcome instanceof PushOutcome.Acked && log.isDebugEnabled()) {
      log.debug("ACK from node {} (stream {}) for {} version {}", push.node().id(), push.streamId(), push.typeUrl(),
          push.typeVersion());
    }
  }
}
