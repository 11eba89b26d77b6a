package io.llmxds.cp.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One read of a policy bundle: its named documents and the files they name (secrets, CA certificates), from a
 * directory ({@link DirectoryBundle}) or from a store's keys at one revision ({@link StoreBundle}). The loader reads
 * everything through it, so both are judged by the same code. One instance serves one load.
 */
public interface BundleSource {

  /** Where it is read from, for errors about the source as a whole: a directory's path, a store's revision. */
  String location();

  /** The policy documents' names (file names such as {@code routes.yaml}), sorted. */
  List<String> documentNames() throws IOException;

  /** The text of one document named by {@link #documentNames()}. */
  String document(String name) throws IOException;

  /**
   * A file a policy names, by the path as written there (relative to the bundle, or absolute: a file of this host).
   *
   * @throws IOException when it cannot be read; {@link IoProblems} turns it into words that name no contents
   */
  String file(String asWritten) throws IOException;

  /** Every local file read so far, absolute: what a watcher must watch. */
  Set<Path> localInputs();

  /** The store revision this bundle was read at; empty for a directory. */
  OptionalLong revision();
}
