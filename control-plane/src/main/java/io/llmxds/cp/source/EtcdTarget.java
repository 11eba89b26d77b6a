package io.llmxds.cp.source;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * An etcd endpoint and the key prefix a bundle lives under, from {@code etcd://host:port/prefix}: the policy
 * document {@code routes.yaml} is the key {@code /prefix/routes.yaml} (docs/sources.md).
 *
 * @param prefix starts and ends with {@code /}
 */
public record EtcdTarget(String host, int port, String prefix) {
  public static final int DEFAULT_PORT = 2379;

  /** @throws IllegalArgumentException with the reason, for a bad option value */
  public static EtcdTarget parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getMessage());
    }
    if (!"etcd".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("expected etcd://host:port/prefix, got " + url);
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("etcd://host:port/prefix takes no user, query or fragment (credentials "
          + "come from files: --etcd-user, --etcd-password-file)");
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("say which key prefix holds the bundle: etcd://host:port/prefix");
    }
    return new EtcdTarget(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path + "/");
  }

  /** The URL again, as the status shows it. */
  public String url() {
    return "etcd://" + host + ":" + port + prefix;
  }
}
