package io.llmxds.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The suite's share of {@link PipelineBenchmark}: {@code compile} at 10, 100, 1,000 and 10,000 routes, each against
 * ten times the size before it (what a linear cost would be), and the stages at 10,000 routes against the whole
 * compile. Short JMH settings (1 fork, 4 × 2 s warm-up, 5 × 1 s measured), time and allocation per operation.
 */
public final class PipelineFigures {
  private static final int[] SIZES = {10, 100, 1000, 10_000};
  private static final int LARGEST = 10_000;
  private static final double TARGET_MS_AT_LARGEST = 200;
  private static final String[] STAGES = {"load", "translate", "referenceCheck", "envoyRules"};

  private PipelineFigures() {}

  public static void main(String[] args) throws Exception {
    Map<Integer, RunResult> compile = new LinkedHashMap<>();
    for (int routes : SIZES) {
      compile.put(routes, only(run("compile", routes)));
    }
    Map<String, RunResult> stages = new LinkedHashMap<>();
    for (String stage : STAGES) {
      stages.put(stage, only(run(stage, LARGEST)));
    }
    RunResult previous = null;
    int previousSize = 0;
    for (Map.Entry<Integer, RunResult> e : compile.entrySet()) {
      double ms = score(e.getValue());
      String at = String.format(Locale.ROOT, "compile, %,d routes", e.getKey());
      boolean linear = previous != null;
      Figures.record(at, ms, "ms", linear ? String.format(Locale.ROOT, "10 × same at %,d (linear)", previousSize) : "",
          linear ? 10 * score(previous) : Figures.NONE, e.getKey() == LARGEST ? TARGET_MS_AT_LARGEST : Figures.NONE);
      Figures.record("  allocation per compile, " + String.format(Locale.ROOT, "%,d routes", e.getKey()),
          allocMb(e.getValue()), "MB", linear ? "10 × same at " + String.format(Locale.ROOT, "%,d", previousSize) : "",
          linear ? 10 * allocMb(previous) : Figures.NONE, Figures.NONE);
      previous = e.getValue();
      previousSize = e.getKey();
    }
    double whole = score(compile.get(LARGEST));
    for (Map.Entry<String, RunResult> e : stages.entrySet()) {
      Figures.record(String.format(Locale.ROOT, "  %s, %,d routes", e.getKey(), LARGEST), score(e.getValue()), "ms",
          "compile at the same size", whole, Figures.NONE);
    }
  }

  private static Collection<RunResult> run(String benchmark, int routes) throws Exception {
    Options options = new OptionsBuilder()
        .include(PipelineBenchmark.class.getName() + "\\." + benchmark + "$")
        .param("routes", Integer.toString(routes))
        .forks(1)
        // The first seconds of a fork compile the rule plans and JIT the pipeline: 10 routes need ~5 s to settle.
        .warmupIterations(4)
        .warmupTime(TimeValue.seconds(2))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgs("-Xms2g", "-Xmx2g")
        .addProfiler(GCProfiler.class)
        .build();
    return new Runner(options).run();
  }

  private static RunResult only(Collection<RunResult> results) {
    if (results.size() != 1) {
      throw new IllegalStateException("expected one JMH result, got " + results.size());
    }
    return results.iterator().next();
  }

  private static double score(RunResult result) {
    return result.getPrimaryResult().getScore();
  }

  /** Bytes allocated per operation (JMH's gc profiler; older JMH versions prefix the name with "·"), in MB. */
  private static double allocMb(RunResult result) {
    return result.getSecondaryResults().entrySet().stream()
        .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
        .mapToDouble(e -> e.getValue().getScore() / 1e6)
        .findFirst().orElse(Double.NaN);
  }
}
