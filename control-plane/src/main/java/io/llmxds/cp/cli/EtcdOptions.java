package io.llmxds.cp.cli;

import io.llmxds.cp.source.EtcdAccess;
import io.llmxds.cp.source.EtcdTarget;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How {@code serve --source etcd://…} and {@code push --etcd} reach etcd: TLS and auth, all from files. */
final class EtcdOptions {

  @Option(names = "--etcd-ca", paramLabel = "FILE",
      description = "PEM CA of etcd's server certificate: talk to etcd over TLS.")
  Optional<Path> ca;

  @Option(names = "--etcd-cert", paramLabel = "FILE", description = "PEM client certificate (mutual TLS; with --etcd-key).")
  Optional<Path> cert;

  @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM (PKCS#8) key of --etcd-cert.")
  Optional<Path> key;

  @Option(names = "--etcd-user", paramLabel = "NAME", description = "etcd user (with --etcd-password-file).")
  Optional<String> user;

  @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "File holding the etcd user's password.")
  Optional<Path> passwordFile;

  /** @throws IllegalArgumentException for options that do not go together */
  EtcdAccess access() {
    return new EtcdAccess(ca, cert, key, user, passwordFile);
  }

  static final class TargetConverter implements ITypeConverter<EtcdTarget> {
    @Override
    public EtcdTarget convert(String value) {
      try {
        return EtcdTarget.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
