package io.llmxds.cp.policy;

import java.io.IOException;

/** A file that cannot be read for a reason the source states itself (a directory, a path outside the bundle). */
final class UnreadableFile extends IOException {
  UnreadableFile(String reason) {
    super(reason);
  }
}
