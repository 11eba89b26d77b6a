package io.llmxds.cp.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** What loading a policy directory gave: a valid bundle, or every problem found in it. */
public sealed interface LoadResult {

  /**
   * @param inputs every file read (policy files and secret files), absolute: what a watcher must watch
   */
  record Loaded(PolicyBundle bundle, Set<Path> inputs) implements LoadResult {
    public Loaded {
      inputs = Set.copyOf(inputs);
    }
  }

  /**
   * @param errors never empty; ordered by file, line and column
   */
  record Rejected(List<PolicyError> errors) implements LoadResult {
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
