package io.llmxds.filters.store;

/** Opens the store a {@link StoreSpec} describes, connected now: the service switches to it only once it works. */
@FunctionalInterface
public interface StoreFactory {

  /**
   * @throws StoreException when the store cannot be reached or authenticated now; the message starts with the
   *     spec's {@link StoreSpec#label()} and names the cause, never the password
   */
  ContextStore open(StoreSpec spec) throws StoreException;
}
