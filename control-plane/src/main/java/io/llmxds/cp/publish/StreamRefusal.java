package io.llmxds.cp.publish;

import java.util.List;

/**
 * Why a stream was refused with {@code PERMISSION_DENIED} before anything was sent on it.
 *
 * @param claimedNodeId the node id the request named ({@code ""} when it named none)
 * @param peerSans the client certificate's SANs ({@code URI:…}, {@code DNS:…}); empty without a certificate
 * @param message the description the client gets as the stream's status
 */
public record StreamRefusal(Reason reason, String claimedNodeId, List<String> peerSans, String message) {

  public enum Reason {
    /** The TLS session carries no verified client certificate (cannot happen with a required client certificate). */
    NO_CERTIFICATE("no_certificate"),
    /** The stream's first request names no node, so it cannot be matched to the certificate. */
    NO_NODE("no_node"),
    /** The node id is none of the certificate's identities. */
    NODE_MISMATCH("node_mismatch");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}
