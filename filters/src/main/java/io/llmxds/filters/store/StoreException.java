package io.llmxds.filters.store;

/** A store could not be read or written (unreachable, timed out, corrupt record). */
public class StoreException extends Exception {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
