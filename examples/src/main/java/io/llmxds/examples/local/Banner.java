package io.llmxds.examples.local;

import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What the local stack prints once it runs: each component and its address, then what to try. */
final class Banner {
  /** The port envoy/bootstrap.yaml dials for ADS. */
  static final int BOOTSTRAP_XDS_PORT = 18000;
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");
  private static final String JSON = "-H 'content-type: application/json'";
  private static final String BODY =
      "-d '{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}'";

  /** Where everything listens. */
  record Addresses(String address, int xdsPort, int adminPort, int contextPort, int contextAdminPort) {}

  private Banner() {}

  static String text(Path policies, Gateway gateway, MockProviders mocks, Addresses at, EnvoyPlan envoy) {
    StringBuilder text = new StringBuilder("\nllm-xds local stack is running. Ctrl-C stops everything.\n\n");
    for (MockProviders.Mock mock : mocks.mocks()) {
      line(text, "mock LLM " + mock.provider().name(), baseUrl(mock.provider()));
    }
    for (Provider remote : mocks.remote()) {
      line(text, "provider " + remote.name(), baseUrl(remote) + "  (not on this machine: no mock)");
    }
    line(text, "context service", "ext_proc " + at.address() + ":" + at.contextPort() + ", admin http://127.0.0.1:"
        + at.contextAdminPort() + " (/healthz, /metrics)");
    if (gateway.extProc().address().port() != at.contextPort()) {
      line(text, "", "note: the Gateway policy sends ext_proc to " + gateway.extProc().address().host() + ":"
          + gateway.extProc().address().port());
    }
    line(text, "control plane", "xDS (ADS) " + at.address() + ":" + at.xdsPort() + ", admin http://127.0.0.1:"
        + at.adminPort() + " (/status, /config_dump, /metrics)");
    line(text, "", "serving " + policies.toAbsolutePath().normalize() + " (edits are validated and pushed)");
    envoy(text, gateway, at, envoy);
    text.append("\nTry it:\n");
    text.append("  curl -s localhost:").append(gateway.listener().port()).append("/v1/chat/completions ")
        .append(JSON).append(" -H 'x-session-id: demo' ").append(BODY).append("   # through Envoy\n");
    mocks.mocks().stream().findFirst().ifPresent(first -> text.append("  curl -s localhost:")
        .append(first.provider().port()).append(first.provider().pathPrefix()).append("/chat/completions ")
        .append(JSON).append(' ').append(BODY).append("   # straight to ").append(first.provider().name())
        .append('\n'));
    text.append("  bin/llm-xds status")
        .append(at.adminPort() == 19000 ? "" : " --admin http://127.0.0.1:" + at.adminPort())
        .append("   # which config each Envoy runs\n");
    text.append("  ls examples/scenarios   # rate limit, A/B split, context migration, bad change: README.md + run\n");
    return text.toString();
  }

  private static void envoy(StringBuilder text, Gateway gateway, Addresses at, EnvoyPlan plan) {
    if (plan instanceof EnvoyPlan.Run run) {
      line(text, "Envoy", "started via " + run.how() + ": listener :" + gateway.listener().port()
          + ", admin http://127.0.0.1:9901 (output prefixed " + EnvoyProcess.PREFIX.strip() + ")");
    } else if (plan instanceof EnvoyPlan.NotStarted none) {
      line(text, "Envoy", "not started: " + none.reason());
      if (!none.commands().isEmpty()) {
        line(text, "", "attach one (listener :" + gateway.listener().port() + ") with either of:");
        none.commands().forEach(command -> line(text, "", "  " + shell(command)));
      }
    }
    if (at.xdsPort() != BOOTSTRAP_XDS_PORT) {
      line(text, "", "note: envoy/bootstrap.yaml dials xDS on 127.0.0.1:" + BOOTSTRAP_XDS_PORT);
    }
  }

  private static String baseUrl(Provider provider) {
    String host = provider.host().contains(":") ? "[" + provider.host() + "]" : provider.host();
    return (provider.tls() ? "https://" : "http://") + host + ":" + provider.port() + provider.pathPrefix();
  }

  private static void line(StringBuilder text, String what, String where) {
    text.append(String.format("  %-24s %s%n", what, where));
  }

  /** A command as one would type it: arguments with shell-special characters single-quoted. */
  static String shell(List<String> command) {
    return command.stream()
        .map(arg -> SHELL_SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }
}
