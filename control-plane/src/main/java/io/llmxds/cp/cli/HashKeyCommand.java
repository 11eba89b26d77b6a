package io.llmxds.cp.cli;

import io.llmxds.cp.policy.ApiKeyHashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code llm-xds hash-key}: reads an API key from stdin and prints its salted hash ({@code sha256$<salt>$<digest>},
 * a fresh random salt each run), to store in a Consumer's key file instead of the key (docs/policies.md).
 */
@Command(name = "hash-key", description = "Read an API key from stdin and print its salted hash "
    + "(sha256$<salt>$<digest>) for a Consumer's key file. Exit 1 if stdin holds no valid key.")
final class HashKeyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String key = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    Optional<String> invalid = ApiKeyHashes.invalidKey(key);
    if (invalid.isPresent()) {
      spec.commandLine().getErr().println("the key on stdin " + invalid.get());
      return 1;
    }
    spec.commandLine().getOut().println(ApiKeyHashes.random(key));
    return 0;
  }
}
