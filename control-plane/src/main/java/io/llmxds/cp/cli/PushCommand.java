package io.llmxds.cp.cli;

import io.llmxds.cp.policy.BundleDiff;
import io.llmxds.cp.policy.DirectoryBundle;
import io.llmxds.cp.policy.StoreBundle;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.source.EtcdAccess;
import io.llmxds.cp.source.EtcdStore;
import io.llmxds.cp.source.EtcdTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llm-xds push DIR --etcd etcd://host:port/prefix}: the CI path to an etcd source (docs/sources.md). Judges
 * the directory exactly as {@code validate} does, then replaces the bundle under the prefix in one transaction
 * guarded by what it read, so two pushes cannot interleave; nothing is written for an invalid bundle.
 */
@Command(name = "push", description = "Validate a policy directory and write it to an etcd prefix atomically. Exit 0 "
    + "when pushed (or unchanged), 1 when invalid or another push came first (nothing written), 2 when etcd cannot "
    + "be reached or refuses the credentials (nothing written).")
final class PushCommand implements Callable<Integer> {
  static final int ETCD_UNAVAILABLE = 2;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory.")
  Path dir;

  @Option(names = "--etcd", required = true, paramLabel = "etcd://HOST:PORT/PREFIX",
      converter = EtcdOptions.TargetConverter.class, description = "Where the bundle goes.")
  EtcdTarget target;

  @Option(names = "--dry-run", description = "Print what would change against what the store holds; write nothing.")
  boolean dryRun;

  @Mixin
  EtcdOptions etcd;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      return push(out);
    } finally {
      out.flush();
    }
  }

  private int push(PrintWriter out) {
    PolicyCompiler.Result result = PolicyCompiler.compile(dir);
    if (result instanceof PolicyCompiler.Failed failed) {
      ValidateCommand.printErrors(out, dir, failed);
      out.printf("%s: refused, nothing written to %s%n", dir, target.url());
      return 1;
    }
    PolicyCompiler.Compiled compiled = (PolicyCompiler.Compiled) result;
    Map<String, byte[]> entries;
    try {
      entries = entries(compiled);
    } catch (IOException e) {
      out.printf("%s: cannot read it again: %s; nothing written%n", dir, e.getMessage());
      return 1;
    }
    // The store's form of the bundle must be the very bundle validated: a file named by "../x" would not be there.
    PolicyCompiler.Result stored = PolicyCompiler.compile(new StoreBundle(entries, 0));
    if (!(stored instanceof PolicyCompiler.Compiled same) || !same.configVersion().equals(compiled.configVersion())) {
      if (stored instanceof PolicyCompiler.Failed failed) {
        ValidateCommand.printErrors(out, dir, failed);
      }
      out.printf("%s: refused: it names files outside the directory (name them by absolute path, as files of the "
          + "serving host, or move them in); nothing written to %s%n", dir, target.url());
      return 1;
    }
    try (EtcdStore store = EtcdStore.connect(target, accessOrThrow())) {
      EtcdStore.Listing listing = store.list();
      Map<String, byte[]> puts = new TreeMap<>();
      entries.forEach((key, value) -> {
        if (!Arrays.equals(value, listing.entries().get(key))) {
          puts.put(key, value);
        }
      });
      Set<String> deletes = new TreeSet<>(listing.entries().keySet());
      deletes.removeAll(entries.keySet());
      if (dryRun) {
        printPlan(out, listing, compiled, puts.keySet(), deletes);
        return 0;
      }
      if (puts.isEmpty() && deletes.isEmpty()) {
        out.printf("unchanged: %s already holds config version %s (revision %d)%n", target.url(),
            compiled.configVersion(), listing.revision());
        return 0;
      }
      OptionalLong revision = store.replace(puts, deletes, listing.guardRevision(), compiled.configVersion());
      if (revision.isEmpty()) {
        out.printf("refused: another push changed %s since it was read (revision %d); nothing written, push again%n",
            target.url(), listing.revision());
        return 1;
      }
      out.printf("pushed config version %s to %s at revision %d (%d written, %d deleted)%n", compiled.configVersion(),
          target.url(), revision.getAsLong(), puts.size(), deletes.size());
      return 0;
    } catch (IOException e) {
      // unreachable, or it refused us (auth): either way the bundle is not there
      out.printf("etcd failed: %s; nothing written%n", e.getMessage());
      return ETCD_UNAVAILABLE;
    }
  }

  private EtcdAccess accessOrThrow() {
    try {
      return etcd.access();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The policy files and every file they name inside {@code dir}, by relative path: the keys under the prefix. */
  private Map<String, byte[]> entries(PolicyCompiler.Compiled compiled) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Map<String, byte[]> entries = new TreeMap<>();
    for (String name : new DirectoryBundle(root).documentNames()) {
      entries.put(name, Files.readAllBytes(root.resolve(name)));
    }
    for (Path input : compiled.inputs()) {
      if (input.startsWith(root)) {
        entries.put(root.relativize(input).toString(), Files.readAllBytes(input));
      }
    }
    return entries;
  }

  /** {@code --dry-run}: the documents' changes ({@link BundleDiff}) and the keys it would write; never a value. */
  private void printPlan(PrintWriter out, EtcdStore.Listing listing, PolicyCompiler.Compiled compiled,
      Set<String> puts, Set<String> deletes) {
    out.printf("dry run against %s at revision %d: config version %s%n", target.url(), listing.revision(),
        compiled.configVersion());
    PolicyCompiler.Result current = PolicyCompiler.compile(listing.bundle());
    List<String> changes;
    if (listing.entries().isEmpty()) {
      out.println("  the store holds no bundle yet");
      changes = List.of();
    } else if (current instanceof PolicyCompiler.Compiled held) {
      out.printf("  the store holds config version %s%n", held.configVersion());
      changes = BundleDiff.summarize(held.bundle(), compiled.bundle());
    } else {
      out.println("  the store holds an invalid bundle");
      changes = List.of();
    }
    changes.forEach(change -> out.println("  change: " + change));
    puts.forEach(key -> out.println("  write: " + key));
    deletes.forEach(key -> out.println("  delete: " + key));
    if (puts.isEmpty() && deletes.isEmpty()) {
      out.println("  nothing to write");
    }
  }
}
