package io.llmxds.cp.envoy;

import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.StaticBootstrap;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Envoy's verdict on a compiled config: its edge resources rendered as a static bootstrap
 * ({@link StaticBootstrap}) and judged by {@code envoy --mode validate}. The last verify step of {@code validate
 * --envoy} and, as a {@link ConfigCheck}, of every reload under {@code serve --envoy-validate}.
 */
public final class EnvoyCheck implements ConfigCheck {
  /** Every problem line starts so, as the verify stage's start with {@code verify: }. */
  static final String PREFIX = "envoy: ";

  private final EnvoyValidator validator;

  public EnvoyCheck(EnvoyValidator validator) {
    this.validator = validator;
  }

  /** The verdict and what it says as compiler-style lines (empty when accepted). */
  public record Judged(EnvoyVerdict verdict, List<String> problems) {}

  public Judged judge(PolicyCompiler.Compiled config) {
    EnvoyVerdict verdict = validator.validate(StaticBootstrap.render(config.resources()));
    return new Judged(verdict, problems(verdict, config));
  }

  @Override
  public List<String> problems(PolicyCompiler.Compiled config) {
    return judge(config).problems();
  }

  public EnvoyCommand envoy() {
    return validator.envoy();
  }

  private static List<String> problems(EnvoyVerdict verdict, PolicyCompiler.Compiled config) {
    List<String> lines = new ArrayList<>();
    if (verdict instanceof EnvoyVerdict.Rejected rejected) {
      lines.add(PREFIX + rejected.description() + " rejected the config: " + rejected.message());
      List<String> documents = PolicyDocuments.named(rejected.message(), config.bundle());
      if (!documents.isEmpty()) {
        lines.add(PREFIX + "the message names " + String.join(", ", documents));
      }
    } else if (verdict instanceof EnvoyVerdict.CannotRun cannot) {
      // Fail closed: a check that could not run is no pass.
      lines.add(PREFIX + "cannot run: " + cannot.reason());
    }
    return lines;
  }
}
