package io.llmxds.common.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rule for a gRPC port without TLS: plaintext is allowed on a loopback address only, or anywhere with an explicit
 * {@code --insecure…} flag (which the caller logs as a warning at start-up).
 */
public final class PlaintextBinding {
  private PlaintextBinding() {}

  /** Whether {@code address} (an IP literal or a name) is a loopback address. */
  public static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Why a plaintext server may not bind {@code address}, or {@code null} when it may (loopback, or {@code insecure}).
   *
   * @param port what the port is, for the message ("xDS", "ext_proc")
   * @param tlsFlags the options that turn TLS on
   * @param insecureFlag the option that allows plaintext anyway
   */
  public static String refusal(String address, boolean insecure, String port, String tlsFlags, String insecureFlag) {
    if (insecure || isLoopback(address)) {
      return null;
    }
    return "refusing to serve " + port + " in plaintext on " + address + ", which is not a loopback address: pass "
        + tlsFlags + " for mutual TLS, or " + insecureFlag + " to allow plaintext on a trusted network";
  }
}
