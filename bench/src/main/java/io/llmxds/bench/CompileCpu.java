package io.llmxds.bench;

import io.llmxds.cp.reload.PolicyCompiler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU time per compile (read, parse, validate, version, translate, verify) of a synthetic policy directory: the
 * process's CPU time (every thread, GC and JIT included) over a run of compiles, divided by their number. Unlike the
 * wall-clock time JMH reports, it barely moves when other processes load the machine, so before/after comparisons
 * hold on a shared machine. Arguments: {@code [routes=2000] [warmup compiles=30] [measured compiles=30]}.
 */
public final class CompileCpu {
  private CompileCpu() {}

  public static void main(String[] args) throws Exception {
    int routes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int measured = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path dir = SyntheticPolicies.write(Files.createTempDirectory("compile-cpu"), routes);
    for (int i = 0; i < warmup; i++) {
      compile(dir);
    }
    long cpu = processCpuNanos();
    long wall = System.nanoTime();
    for (int i = 0; i < measured; i++) {
      compile(dir);
    }
    double cpuMs = (processCpuNanos() - cpu) / 1e6 / measured;
    double wallMs = (System.nanoTime() - wall) / 1e6 / measured;
    System.out.printf(Locale.ROOT, "compile, %d routes: CPU %.1f ms per compile (all threads, GC and JIT included),"
        + " wall %.1f ms; %d compiles after %d warm-up%n", routes, cpuMs, wallMs, measured, warmup);
    Figures.record(String.format(Locale.ROOT, "compile CPU time, %,d routes", routes), cpuMs, "ms",
        "wall time of the same compiles", wallMs, Figures.NONE);
  }

  private static void compile(Path dir) {
    if (!(PolicyCompiler.compile(dir) instanceof PolicyCompiler.Compiled)) {
      throw new IllegalStateException("the synthetic policies do not compile");
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
