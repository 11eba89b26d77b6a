package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Reads secret files relative to the policy directory, and notes each one as an input to watch. */
final class SecretFiles implements SecretSource {

  private final Path policyDir;
  private final Set<Path> inputs;

  /**
   * @param policyDir absolute
   * @param inputs receives the absolute path of every secret file read
   */
  SecretFiles(Path policyDir, Set<Path> inputs) {
    this.policyDir = policyDir;
    this.inputs = inputs;
  }

  @Override
  public SecretValue read(String secretFile) throws InvalidValue {
    Path path = policyDir.resolve(secretFile).normalize();
    inputs.add(path);
    if (Files.isDirectory(path)) {
      throw new InvalidValue("cannot read secret file \"" + secretFile + "\": it is a directory");
    }
    String value;
    try {
      value = Files.readString(path).stripTrailing();
    } catch (IOException e) {
      throw new InvalidValue("cannot read secret file \"" + secretFile + "\": " + IoProblems.describe(e));
    }
    if (value.isEmpty()) {
      throw new InvalidValue("secret file \"" + secretFile + "\" is empty");
    }
    if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
      throw new InvalidValue(
          "secret file \"" + secretFile + "\" contains a line break or control character (a header value cannot)");
    }
    return new SecretValue(value);
  }
}
