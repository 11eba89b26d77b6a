package io.llmxds.bench;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.llmxds.cp.envoy.BootstrapFiles;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.envoy.EnvoyValidator;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.StaticBootstrap;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code serve --envoy-validate} adds to a reload on our side, before Envoy runs: rendering the compiled edge
 * config as a static bootstrap and printing it as the JSON file Envoy reads (CPU of this thread and wall time per
 * run, and the file's size). Envoy's own {@code --mode validate} time is not in it: no Envoy runs here. Arguments:
 * {@code [routes=2000] [warmup runs=30] [measured runs=30]}.
 */
public final class StaticBootstrapCost {
  private StaticBootstrapCost() {}

  public static void main(String[] args) throws Exception {
    int routes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int measured = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path dir = SyntheticPolicies.write(Files.createTempDirectory("static-bootstrap"), routes);
    if (!(PolicyCompiler.compile(dir) instanceof PolicyCompiler.Compiled compiled)) {
      throw new IllegalStateException("the synthetic policies do not compile");
    }
    int bytes = 0;
    for (int i = 0; i < warmup; i++) {
      bytes = renderAndPrint(compiled);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    for (int i = 0; i < measured; i++) {
      bytes = renderAndPrint(compiled);
    }
    double cpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / measured;
    double wallMs = (System.nanoTime() - wall) / 1e6 / measured;
    System.out.printf(Locale.ROOT, "static bootstrap, %d routes: CPU %.1f ms, wall %.1f ms per render + JSON print;"
        + " %,d bytes; %d runs after %d warm-up%n", routes, cpuMs, wallMs, bytes, measured, warmup);
    Figures.record(String.format(Locale.ROOT, "static bootstrap render + print, %,d routes", routes), cpuMs, "ms",
        "wall time of the same runs", wallMs, Figures.NONE);
    processOverhead(compiled, routes, measured);
  }

  /**
   * The whole {@link EnvoyValidator} run with {@code /bin/echo} where Envoy would be: render, write the 0600 file,
   * start a process, read its output, scrub it, delete the directory. Our overhead around Envoy, not Envoy's time.
   */
  private static void processOverhead(PolicyCompiler.Compiled compiled, int routes, int measured) {
    EnvoyValidator echo = new EnvoyValidator(new EnvoyCommand.Local(Path.of("/bin/echo")), Duration.ofSeconds(60));
    long wall = System.nanoTime();
    for (int i = 0; i < measured; i++) {
      echo.validate(StaticBootstrap.render(compiled.resources()));
    }
    double wallMs = (System.nanoTime() - wall) / 1e6 / measured;
    System.out.printf(Locale.ROOT, "EnvoyValidator around /bin/echo, %d routes: wall %.1f ms per run (render, 0600"
        + " file, process, scrub, delete; no Envoy)%n", routes, wallMs);
  }

  private static int renderAndPrint(PolicyCompiler.Compiled compiled) {
    Bootstrap bootstrap = StaticBootstrap.render(compiled.resources());
    return BootstrapFiles.json(bootstrap).getBytes(StandardCharsets.UTF_8).length;
  }
}
