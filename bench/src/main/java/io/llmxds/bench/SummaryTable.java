package io.llmxds.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Prints the figures {@link Figures} collected in one run as a table: each figure, its baseline measured in the same
 * run, their ratio, and the target with its status. Argument: the figures file.
 */
public final class SummaryTable {
  private SummaryTable() {}

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    String format = "| %-52s | %12s | %-34s | %12s | %7s | %10s | %-6s |%n";
    System.out.printf(Locale.ROOT, format, "figure", "value", "baseline (same run)", "baseline", "ratio", "target",
        "status");
    System.out.printf(Locale.ROOT, format, "-".repeat(52), "-".repeat(12), "-".repeat(34), "-".repeat(12), "-".repeat(7),
        "-".repeat(10), "-".repeat(6));
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      String unit = f[2];
      double value = Double.parseDouble(f[1]);
      boolean hasBaseline = !f[4].isEmpty();
      boolean hasTarget = !f[5].isEmpty();
      double baseline = hasBaseline ? Double.parseDouble(f[4]) : Double.NaN;
      double target = hasTarget ? Double.parseDouble(f[5]) : Double.NaN;
      System.out.printf(Locale.ROOT, format, f[0], amount(value, unit), hasBaseline ? f[3] : "—",
          hasBaseline ? amount(baseline, unit) : "—",
          hasBaseline && baseline != 0 ? String.format(Locale.ROOT, "%.2f", value / baseline) : "—",
          hasTarget ? "≤ " + amount(target, unit) : "—", hasTarget ? (value <= target ? "met" : "MISSED") : "—");
    }
  }

  private static String amount(double value, String unit) {
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f %s" : "%.2f %s", value, unit);
  }
}
