package io.llmxds.cp.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port the OS picks, for a server that must keep its address across restarts (a port-0 server gets a
 * new one each time, and xDS clients know the address from their bootstrap).
 */
final class LoopbackPorts {
  private LoopbackPorts() {}

  static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
