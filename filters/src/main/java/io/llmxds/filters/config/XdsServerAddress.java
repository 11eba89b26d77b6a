package io.llmxds.filters.config;

/** The control plane's xDS port, as {@code --xds} names it: {@code host:port} or {@code [v6]:port}. */
public record XdsServerAddress(String host, int port) {

  public static XdsServerAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("not host:port: " + text);
    }
    return new XdsServerAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
