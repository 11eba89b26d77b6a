package io.llmxds.cp.source;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach etcd: TLS (CA, and a client certificate for mutual TLS) and etcd's user/password auth, all from files
 * so that no credential is on a command line.
 */
public record EtcdAccess(Optional<Path> ca, Optional<Path> cert, Optional<Path> key, Optional<String> user,
    Optional<Path> passwordFile) {

  public static final EtcdAccess PLAINTEXT =
      new EtcdAccess(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public EtcdAccess {
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("--etcd-cert and --etcd-key go together");
    }
    if (cert.isPresent() && ca.isEmpty()) {
      throw new IllegalArgumentException("--etcd-cert needs --etcd-ca (the CA that signed etcd's certificate)");
    }
    if (user.isPresent() != passwordFile.isPresent()) {
      throw new IllegalArgumentException("--etcd-user and --etcd-password-file go together");
    }
  }
}
