package io.llmxds.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

/** What the fleet benchmarks' mains share: their list arguments, loopback ports and nearest-rank percentiles. */
final class Harness {
  private Harness() {}

  /** {@code "10,100,1000"} → {@code [10, 100, 1000]}. */
  static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** A loopback port free now, for a server started in another process that cannot report the port it bound. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The nearest-rank {@code p}-th percentile of ascending {@code sorted}, which must not be empty. */
  static double percentile(double[] sorted, int p) {
    return sorted[rank(sorted.length, p)];
  }

  /** As {@link #percentile(double[], int)}; -1 when {@code sorted} is empty (no client answered). */
  static long percentile(long[] sorted, int p) {
    return sorted.length == 0 ? -1 : sorted[rank(sorted.length, p)];
  }

  private static int rank(int size, int p) {
    return Math.max(0, (int) Math.ceil(p / 100.0 * size) - 1);
  }
}
