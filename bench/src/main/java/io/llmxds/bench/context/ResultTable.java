package io.llmxds.bench.context;

import io.llmxds.bench.Figures;
import java.util.List;
import java.util.Locale;

/** The results as a table: each variant beside the floor (the first variant) measured at the same rate. */
final class ResultTable {
  private static final double TARGET_ADDED_P99_MS = 0.5;
  private static final int TARGET_RATE = 2000;

  private ResultTable() {}

  static String render(List<StepResult> results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-16s %6s %9s %8s %8s %8s %9s %9s %7s %7s %8s %6s %9s%n",
        "variant", "rate/s", "achieved", "p50 ms", "p99 ms", "max ms", "+p50 ms", "+p99 ms", "p50 x", "p99 x",
        "history", "failed", "lag99 ms"));
    StepResult floor = null;
    for (StepResult r : results) {
      if (floor == null || floor.rate() != r.rate()) {
        floor = r;
      }
      out.append(String.format(Locale.ROOT, "%-16s %6d %9.0f %8.3f %8.3f %8.2f %9.3f %9.3f %7.2f %7.2f %7.0f%% %6d %9.3f%n",
          r.variant(), r.rate(), r.achievedPerSecond(), ms(r.p50()), ms(r.p99()), ms(r.max()),
          ms(r.p50() - floor.p50()), ms(r.p99() - floor.p99()), (double) r.p50() / floor.p50(),
          (double) r.p99() / floor.p99(), 100.0 * r.historyAdded() / Math.max(1, r.sortedLatencies().length),
          r.failed() + r.lost(), ms(r.startLagP99Nanos())));
      if (r.firstFailure() != null) {
        out.append("    first failure: ").append(r.firstFailure()).append('\n');
      }
      if (floor != r && r.rate() == TARGET_RATE) {
        double added = ms(r.p99() - floor.p99());
        out.append(String.format(Locale.ROOT, "    target (< %.1f ms p99 added at %d/s): %s (%.3f ms)%n",
            TARGET_ADDED_P99_MS, TARGET_RATE, added < TARGET_ADDED_P99_MS ? "met" : "MISSED", added));
      }
    }
    return out.toString();
  }

  /** Each service's p99 beside the floor's at the same rate; the target is the floor's p99 plus 0.5 ms. */
  static void recordFigures(List<StepResult> results) {
    StepResult floor = null;
    for (StepResult r : results) {
      if (floor == null || floor.rate() != r.rate()) {
        floor = r;
        continue;
      }
      Figures.record(String.format(Locale.ROOT, "%s p99 at %,d req/s", r.variant(), r.rate()), ms(r.p99()), "ms",
          "no-op ext_proc (floor) p99", ms(floor.p99()),
          r.rate() == TARGET_RATE ? ms(floor.p99()) + TARGET_ADDED_P99_MS : Figures.NONE);
      Figures.record(String.format(Locale.ROOT, "  %s p50 at %,d req/s", r.variant(), r.rate()), ms(r.p50()), "ms",
          "no-op ext_proc (floor) p50", ms(floor.p50()), Figures.NONE);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
