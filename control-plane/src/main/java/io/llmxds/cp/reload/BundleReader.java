package io.llmxds.cp.reload;

import io.llmxds.cp.policy.BundleSource;
import io.llmxds.cp.policy.DirectoryBundle;
import java.io.IOException;
import java.nio.file.Path;

/** Where a reload reads its candidate bundle: a policy directory, or an etcd prefix at its newest revision. */
public interface BundleReader {

  /**
   * A fresh read, to be loaded once.
   *
   * @throws IOException when the store cannot be reached: the reload fails and the last good config keeps serving
   */
  BundleSource read() throws IOException;

  /** What the status shows: a directory's path, an etcd URL (never a credential). */
  String location();

  /** A policy directory, read as it is at each reload. */
  static BundleReader directory(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    return new BundleReader() {
      @Override
      public BundleSource read() {
        return new DirectoryBundle(root);
      }

      @Override
      public String location() {
        return root.toString();
      }
    };
  }
}
