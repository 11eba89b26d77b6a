package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/** A policy directory as a bundle: its {@link PolicyFiles}, and the files they name resolved against it. */
public final class DirectoryBundle implements BundleSource {
  private final Path root;
  private final Set<Path> inputs = new TreeSet<>();

  public DirectoryBundle(Path dir) {
    this.root = dir.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public List<String> documentNames() throws IOException {
    return PolicyFiles.list(root).stream().map(p -> p.getFileName().toString()).toList();
  }

  @Override
  public String document(String name) throws IOException {
    Path file = root.resolve(name);
    inputs.add(file);
    return Files.readString(file);
  }

  @Override
  public String file(String asWritten) throws IOException {
    Path path = root.resolve(asWritten).normalize();
    inputs.add(path);
    if (Files.isDirectory(path)) {
      throw new UnreadableFile("it is a directory");
    }
    return Files.readString(path);
  }

  @Override
  public Set<Path> localInputs() {
    return Set.copyOf(inputs);
  }

  @Override
  public OptionalLong revision() {
    return OptionalLong.empty();
  }
}
