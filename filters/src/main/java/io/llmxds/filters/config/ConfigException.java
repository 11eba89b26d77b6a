package io.llmxds.filters.config;

/** A response that cannot be applied; its message is the NACK's {@code error_detail}. */
final class ConfigException extends Exception {
  ConfigException(String message) {
    super(message);
  }
}
