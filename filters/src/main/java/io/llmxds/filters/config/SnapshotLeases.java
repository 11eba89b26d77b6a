package io.llmxds.filters.config;

/** Where an ext_proc stream gets the snapshot it runs under, for as long as it runs. */
@FunctionalInterface
public interface SnapshotLeases {

  /** The current snapshot, held until the lease is released. */
  Lease acquire();
}
