package io.llmxds.cp.cli;

import io.llmxds.cp.reload.PolicyCompiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llm-xds validate DIR...}: judges policy directories exactly as a reload would. */
@Command(name = "validate", description = "Check policy directories; print every error like a compiler. "
    + "Exit 0 when all are valid, 1 otherwise.")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Policy directories.")
  List<Path> dirs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int exit = 0;
    for (Path dir : dirs) {
      PolicyCompiler.Result result = PolicyCompiler.compile(dir);
      if (result instanceof PolicyCompiler.Failed failed) {
        failed.errors().forEach(e -> out.println(dir + "/" + e));
        out.printf("%s: %d error(s)%n", dir, failed.errors().size());
        exit = 1;
      } else {
        PolicyCompiler.Compiled ok = (PolicyCompiler.Compiled) result;
        out.printf("%s: OK, config version %s (%d providers, %d model routes, %d rate limits, "
                + "%d context policies, %d context stores, %s)%n", dir, ok.configVersion(),
            ok.bundle().providers().size(), ok.bundle().modelRoutes().size(), ok.bundle().rateLimits().size(),
            ok.bundle().contextPolicies().size(), ok.bundle().contextStores().size(),
            ok.bundle().authenticates() ? ok.bundle().consumers().size() + " consumers" : "anonymous: no consumers");
      }
    }
    out.flush();
    return exit;
  }
}
