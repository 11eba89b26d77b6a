package io.llmxds.envoy;

import java.net.URI;

/** A started Envoy, as the test JVM reaches it. */
interface RunningEnvoy extends AutoCloseable {

  /** The gateway listener's base URI, e.g. {@code http://127.0.0.1:40123}. */
  URI gateway();

  /** The admin API's base URI. */
  URI admin();

  /** The admin port as Envoy itself sees it (inside a container: the unmapped one). */
  int adminPortInside();

  /** Envoy's log so far, for failure messages. */
  String log();

  @Override
  void close();
}
