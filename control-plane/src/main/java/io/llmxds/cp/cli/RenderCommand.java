package io.llmxds.cp.cli;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.llmxds.cp.envoy.BootstrapFiles;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import io.llmxds.cp.translate.ResourceYaml;
import io.llmxds.cp.translate.StaticBootstrap;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llm-xds render DIR}: prints the Envoy resources a policy directory becomes, secrets redacted; with
 * {@code --bootstrap}, the edge resources as one static Envoy bootstrap ({@link StaticBootstrap}), the one {@code
 * validate --envoy} gives Envoy. Secrets are never printed: only {@code --include-secrets --output FILE} writes them,
 * to a file only its owner can read.
 */
@Command(name = "render", description = "Print the Envoy resources (YAML) that a policy directory translates to. "
    + "Secret values are redacted. Exit 1 if the directory is invalid.")
final class RenderCommand implements Callable<Integer> {
  enum Type { listeners, routes, clusters, endpoints, secrets, all }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "Policy directory.")
  Path dir;

  @Option(names = "--flavor", defaultValue = "edge", converter = FlavorConverter.class,
      description = "For which clients: edge (Envoy), proxyless (gRPC xDS clients) or context-service (the data-path"
          + " service) (default: ${DEFAULT-VALUE}).")
  Flavor flavor;

  /** Flavors by their wire names, as the policy docs spell them. */
  static final class FlavorConverter implements ITypeConverter<Flavor> {
    @Override
    public Flavor convert(String value) {
      return Arrays.stream(Flavor.values()).filter(f -> f.wire().equals(value)).findFirst()
          .orElseThrow(() -> new TypeConversionException(
              "expected edge, proxyless or context-service, got " + value));
    }
  }

  @Option(names = "--type", defaultValue = "all",
      description = "Which resources: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Type type;

  @Option(names = "--bootstrap", description = "Print the edge resources as one static Envoy bootstrap "
      + "(what validate --envoy runs Envoy on), secrets redacted.")
  boolean bootstrap;

  @Option(names = "--include-secrets", description = "With --bootstrap and --output: write the secrets in the clear "
      + "(the file is created readable by its owner only). Never printed.")
  boolean includeSecrets;

  @Option(names = "--output", paramLabel = "FILE", description = "With --bootstrap: write to FILE (mode 0600) "
      + "instead of printing.")
  Path output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (includeSecrets && (output == null || !bootstrap)) {
      throw new ParameterException(spec.commandLine(),
          "--include-secrets needs --bootstrap and --output FILE: secrets are never printed");
    }
    if ((bootstrap || output != null) && (flavor != Flavor.EDGE || type != Type.all || output != null && !bootstrap)) {
      throw new ParameterException(spec.commandLine(),
          "--bootstrap renders the edge flavor whole; --output goes with --bootstrap only");
    }
    PolicyCompiler.Result result = PolicyCompiler.compile(dir);
    if (result instanceof PolicyCompiler.Failed failed) {
      PrintWriter err = spec.commandLine().getErr();
      failed.errors().forEach(e -> err.println(dir + "/" + e));
      err.flush();
      return 1;
    }
    PolicyCompiler.Compiled ok = (PolicyCompiler.Compiled) result;
    if (bootstrap) {
      return renderBootstrap(out, ok);
    }
    out.println("# config version " + ok.configVersion() + ", " + flavor.wire() + " flavor");
    EnvoyResources r = ok.resources(flavor);
    section(out, Type.listeners, r.listeners());
    section(out, Type.routes, r.routes());
    section(out, Type.clusters, r.clusters());
    section(out, Type.endpoints, r.endpoints());
    section(out, Type.secrets, r.secrets());
    out.flush();
    return 0;
  }

  private int renderBootstrap(PrintWriter out, PolicyCompiler.Compiled ok) throws IOException {
    Bootstrap rendered = StaticBootstrap.render(ok.resources());
    String header = "# config version " + ok.configVersion() + ", static Envoy bootstrap (edge flavor)\n";
    String text = includeSecrets ? BootstrapFiles.json(rendered)
        : header + "# secrets redacted\n" + ResourceYaml.render(List.of(rendered));
    if (output == null) {
      out.print(text);
      out.flush();
      return 0;
    }
    BootstrapFiles.writeOwnerOnly(output, text);
    out.println("wrote " + output + (includeSecrets ? " (mode 0600; it holds the secrets in the clear)" : ""));
    out.flush();
    return 0;
  }

  private void section(PrintWriter out, Type section, List<? extends Message> resources) {
    if (type == Type.all || type == section) {
      out.println("# " + section);
      out.print(ResourceYaml.render(resources));
    }
  }
}
