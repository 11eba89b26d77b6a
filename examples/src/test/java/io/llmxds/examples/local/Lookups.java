package io.llmxds.examples.local;

import java.nio.file.Path;
import java.util.Optional;

/** Envoy lookups a test controls. */
final class Lookups {
  private Lookups() {}

  static EnvoyLookup offering(Optional<Path> binary, boolean docker) {
    return new EnvoyLookup() {
      @Override
      public Optional<Path> binary() {
        return binary;
      }

      @Override
      public boolean dockerRuns() {
        return docker;
      }
    };
  }

  /** A lookup that fails the test when asked anything: shows that nothing looked for Envoy. */
  static EnvoyLookup never() {
    return new EnvoyLookup() {
      @Override
      public Optional<Path> binary() {
        throw new AssertionError("looked for an envoy binary");
      }

      @Override
      public boolean dockerRuns() {
        throw new AssertionError("looked for docker");
      }
    };
  }
}
