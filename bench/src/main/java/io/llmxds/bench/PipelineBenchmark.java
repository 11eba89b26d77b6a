package io.llmxds.bench;

import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Translator;
import io.llmxds.cp.verify.EnvoyRules;
import io.llmxds.cp.verify.ReferenceCheck;
import io.llmxds.cp.verify.load.EnvoyLoadChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of each pipeline stage on a policy directory of {@code routes} model routes: the whole compile (read,
 * parse, validate, version, translate, verify) and its parts. Run with {@code -prof gc} for allocation per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PipelineBenchmark {

  @Param({"10", "100", "1000", "10000"})
  public int routes;

  private Path dir;
  private PolicyBundle bundle;
  private EnvoyResources resources;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = SyntheticPolicies.write(Files.createTempDirectory("llm-xds-bench-"), routes);
    LoadResult loaded = PolicyLoader.load(dir);
    if (!(loaded instanceof LoadResult.Loaded ok)) {
      throw new IllegalStateException("synthetic policies do not load: " + loaded);
    }
    bundle = ok.bundle();
    resources = Translator.translate(bundle);
    List<String> problems = PolicyCompiler.verify(resources);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("synthetic policies do not verify: " + problems.subList(0, 1));
    }
  }

  /** Everything a reload does before publishing. */
  @Benchmark
  public PolicyCompiler.Result compile() {
    return PolicyCompiler.compile(dir);
  }

  @Benchmark
  public LoadResult load() {
    return PolicyLoader.load(dir);
  }

  @Benchmark
  public EnvoyResources translate() {
    return Translator.translate(bundle);
  }

  @Benchmark
  public List<String> referenceCheck() {
    return ReferenceCheck.check(resources);
  }

  /** Envoy's own validate.rules over every resource (the verify stage's second half). */
  @Benchmark
  public List<String> envoyRules() {
    return EnvoyRules.check(resources);
  }

  /** What Envoy's C++ rejects when it builds the resources (the verify stage's third check). */
  @Benchmark
  public List<String> envoyLoadChecks() {
    return EnvoyLoadChecks.check(resources);
  }
}
