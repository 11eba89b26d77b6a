package io.llmxds.cp.reload;

import io.llmxds.cp.policy.BundleSource;
import io.llmxds.cp.policy.ConfigVersion;
import io.llmxds.cp.policy.DirectoryBundle;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyError;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import io.llmxds.cp.verify.EnvoyRules;
import io.llmxds.cp.verify.ReferenceCheck;
import io.llmxds.cp.verify.UnpackedAnys;
import io.llmxds.cp.verify.load.EnvoyLoadChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs the pipeline up to (not including) publishing: load and validate the policy directory, version it,
 * translate it, and verify the Envoy resources. Shared by the reloader and the {@code validate}/{@code render}
 * commands so that all three judge a directory the same way.
 */
public final class PolicyCompiler {
  private PolicyCompiler() {}

  /** The outcome of compiling one policy directory. */
  public sealed interface Result {}

  /**
   * A directory that is ready to publish, in every flavor under one config version.
   *
   * @param flavors what each flavor's nodes get
   * @param inputs every file read, for the watcher
   */
  public record Compiled(String configVersion, PolicyBundle bundle, Map<Flavor, EnvoyResources> flavors,
      Set<Path> inputs) implements Result {

    public Compiled {
      flavors = Map.copyOf(flavors);
    }

    public EnvoyResources resources(Flavor flavor) {
      return flavors.get(flavor);
    }

    /** What Envoy nodes get (the edge flavor). */
    public EnvoyResources resources() {
      return resources(Flavor.EDGE);
    }

    /** What proxyless gRPC clients get. */
    public EnvoyResources proxyless() {
      return resources(Flavor.PROXYLESS);
    }
  }

  /** A directory that must not be published; {@code errors} are formatted like compiler errors. */
  public record Failed(List<String> errors) implements Result {
    public Failed {
      errors = List.copyOf(errors);
    }
  }

  public static Result compile(Path dir) {
    return compile(new DirectoryBundle(dir));
  }

  /** As {@link #compile(Path)} for any bundle: a directory and an etcd revision are judged alike. */
  public static Result compile(BundleSource source) {
    LoadResult loaded = PolicyLoader.load(source);
    if (loaded instanceof LoadResult.Rejected rejected) {
      return new Failed(rejected.errors().stream().map(PolicyError::format).toList());
    }
    LoadResult.Loaded ok = (LoadResult.Loaded) loaded;
    // The two flavors are independent: the proxyless one is translated and verified on another core meanwhile (at
    // 2,000 routes each takes a good part of a reload; docs/benchmarks.md, Propagation). Its own thread, named for
    // profiles and thread dumps (the common pool would also be one thread per task on 2 cores).
    CompletableFuture<Checked> proxylessCheck =
        CompletableFuture.supplyAsync(() -> Checked.of(Flavor.PROXYLESS, ok.bundle()), PolicyCompiler::onOwnThread);
    Checked edge = Checked.of(Flavor.EDGE, ok.bundle());
    Checked contextService = Checked.of(Flavor.CONTEXT_SERVICE, ok.bundle());
    Checked proxyless = join(proxylessCheck);
    List<String> problems = new ArrayList<>(edge.problems());
    // A problem of another flavor is a translator bug as much as an edge one: no flavor is published alone.
    proxyless.problems().forEach(p -> problems.add(p.replaceFirst("^verify: ", "verify: proxyless flavor: ")));
    contextService.problems()
        .forEach(p -> problems.add(p.replaceFirst("^verify: ", "verify: context-service flavor: ")));
    if (!problems.isEmpty()) {
      return new Failed(problems);
    }
    Map<Flavor, EnvoyResources> flavors = new EnumMap<>(Flavor.class);
    flavors.put(Flavor.EDGE, edge.resources());
    flavors.put(Flavor.PROXYLESS, proxyless.resources());
    flavors.put(Flavor.CONTEXT_SERVICE, contextService.resources());
    return new Compiled(ConfigVersion.of(ok.bundle()), ok.bundle(), flavors, ok.inputs());
  }

  /** One flavor translated and verified. */
  private record Checked(EnvoyResources resources, List<String> problems) {
    static Checked of(Flavor flavor, PolicyBundle bundle) {
      EnvoyResources resources = flavor.translate(bundle);
      return new Checked(resources, verify(resources, flavor));
    }
  }

  private static void onOwnThread(Runnable task) {
    Thread thread = new Thread(task, "policy-compile-proxyless");
    thread.setDaemon(true);
    thread.start();
  }

  /** The value, or what the computation threw, as it threw it. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * The verify stage on its own, for resources Envoy gets (the edge flavor): broken references between the
   * resources, every field that breaks Envoy's {@code validate.rules}, then what Envoy's C++ rejects when it builds
   * the resources ({@link EnvoyLoadChecks}); all would be NACKed. Each line starts with {@code verify: }; empty when
   * all pass.
   */
  public static List<String> verify(EnvoyResources resources) {
    return verify(resources, Flavor.EDGE);
  }

  /**
   * As {@link #verify(EnvoyResources)} for {@code flavor}. Envoy's load-time checks are Envoy's: a proxyless gRPC
   * client builds its resources with its own code (it wants no CLUSTER_PROVIDED on an aggregate, for one), so they
   * are left out there.
   */
  public static List<String> verify(EnvoyResources resources, Flavor flavor) {
    List<String> problems = new ArrayList<>();
    UnpackedAnys anys = new UnpackedAnys();
    ReferenceCheck.check(resources, anys).forEach(p -> problems.add("verify: " + p));
    EnvoyRules.check(resources, anys).forEach(p -> problems.add("verify: " + p));
    if (flavor == Flavor.EDGE) {
      EnvoyLoadChecks.check(resources, anys).forEach(p -> problems.add("verify: " + p));
    }
    return problems;
  }
}
