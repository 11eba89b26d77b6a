package io.llmxds.cp.cli;

import io.llmxds.cp.envoy.EnvoyCheck;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.envoy.EnvoyValidator;
import io.llmxds.cp.envoy.EnvoyVerdict;
import io.llmxds.cp.reload.PolicyCompiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llm-xds validate [--envoy PATH|docker[:IMAGE]] DIR...}: judges policy directories exactly as a reload would
 * and, with {@code --envoy}, asks a real Envoy too (docs/verification.md, "Envoy's own verdict").
 */
@Command(name = "validate", description = "Check policy directories; print every error like a compiler. "
    + "Exit 0 when all are valid, 1 otherwise; with --envoy, 2 when Envoy cannot run.")
final class ValidateCommand implements Callable<Integer> {
  /** Envoy could not run or gave no verdict: not a pass, not a rejection. */
  static final int ENVOY_UNAVAILABLE = 2;

  @Spec CommandSpec spec;

  @Option(names = "--envoy", paramLabel = "PATH|docker[:IMAGE]", converter = EnvoyOptions.CommandConverter.class,
      description = "After our own checks, render each directory as a static Envoy bootstrap and run "
          + "'envoy --mode validate' on it: a local binary, or the image under Docker (default image "
          + EnvoyCommand.DEFAULT_IMAGE + ").")
  Optional<EnvoyCommand> envoy;

  @Option(names = "--envoy-timeout", defaultValue = EnvoyOptions.DEFAULT_TIMEOUT_SECONDS, paramLabel = "SECONDS",
      description = "How long Envoy may take per directory (default: ${DEFAULT-VALUE}).")
  int envoyTimeoutSeconds;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Policy directories.")
  List<Path> dirs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<EnvoyCheck> check =
        envoy.map(e -> new EnvoyCheck(new EnvoyValidator(e, Duration.ofSeconds(envoyTimeoutSeconds))));
    Optional<String> unavailable = envoy.flatMap(EnvoyCommand::unavailable);
    if (unavailable.isPresent()) {
      out.println("cannot run Envoy: " + unavailable.get());
      out.flush();
      return ENVOY_UNAVAILABLE;
    }
    int exit = 0;
    for (Path dir : dirs) {
      PolicyCompiler.Result result = PolicyCompiler.compile(dir);
      if (result instanceof PolicyCompiler.Failed failed) {
        printErrors(out, dir, failed);
        exit = 1;
      } else {
        PolicyCompiler.Compiled ok = (PolicyCompiler.Compiled) result;
        out.printf("%s: OK, config version %s (%d providers, %d model routes, %d rate limits, "
                + "%d context policies, %d context stores, %s)%n", dir, ok.configVersion(),
            ok.bundle().providers().size(), ok.bundle().modelRoutes().size(), ok.bundle().rateLimits().size(),
            ok.bundle().contextPolicies().size(), ok.bundle().contextStores().size(),
            ok.bundle().authenticates() ? ok.bundle().consumers().size() + " consumers" : "anonymous: no consumers");
        if (check.isPresent()) {
          exit = Math.max(exit, judge(out, dir, check.get(), ok));
        }
      }
    }
    out.flush();
    return exit;
  }

  /** Every error of a directory, like a compiler's, then their count (push prints the same). */
  static void printErrors(PrintWriter out, Path dir, PolicyCompiler.Failed failed) {
    failed.errors().forEach(e -> out.println(dir + "/" + e));
    out.printf("%s: %d error(s)%n", dir, failed.errors().size());
  }

  /** Envoy's verdict on one valid directory, printed; its exit code. */
  private static int judge(PrintWriter out, Path dir, EnvoyCheck check, PolicyCompiler.Compiled ok) {
    EnvoyCheck.Judged judged = check.judge(ok);
    judged.problems().forEach(p -> out.println(dir + "/" + p));
    if (judged.verdict() instanceof EnvoyVerdict.Accepted accepted) {
      out.printf("%s: OK, %s accepts it (envoy --mode validate)%n", dir, accepted.description());
      return 0;
    }
    if (judged.verdict() instanceof EnvoyVerdict.Rejected rejected) {
      out.printf("%s: rejected by %s%n", dir, rejected.description());
      return 1;
    }
    out.printf("%s: no verdict from %s%n", dir, check.envoy().description());
    return ENVOY_UNAVAILABLE;
  }
}
