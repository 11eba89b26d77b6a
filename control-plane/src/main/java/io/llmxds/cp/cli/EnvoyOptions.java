package io.llmxds.cp.cli;

import io.llmxds.cp.envoy.EnvoyCommand;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How {@code validate --envoy} and {@code serve --envoy-validate} read their options. */
final class EnvoyOptions {
  /** Seconds: a first `docker run` may pull the image. */
  static final String DEFAULT_TIMEOUT_SECONDS = "120";

  private EnvoyOptions() {}

  static final class CommandConverter implements ITypeConverter<EnvoyCommand> {
    @Override
    public EnvoyCommand convert(String value) {
      if (value.isBlank()) {
        throw new TypeConversionException("expected a path to envoy, docker or docker:IMAGE");
      }
      return EnvoyCommand.parse(value);
    }
  }
}
