package io.llmxds.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a policy directory the size of a large deployment, in the same YAML a user writes: one Gateway, 20 providers
 * (IP literals, so endpoints go through EDS), {@code routes} model routes with a 90/10 A/B split, a fallback on every
 * fourth route, a rate limit on every tenth (with an unlimited tier) and a context policy.
 */
public final class SyntheticPolicies {
  static final int PROVIDERS = 20;
  static final int PRIMARY_WEIGHT = 90;

  private SyntheticPolicies() {}

  public static Path write(Path dir, int routes) {
    try {
      writeGatewayAndProviders(dir);
      writeRoutes(dir, routes, PRIMARY_WEIGHT);
      StringBuilder limits = new StringBuilder();
      for (int r = 0; r < routes; r += 10) {
        limits.append(rateLimit("limit-" + r, "route-" + r));
      }
      Files.writeString(dir.resolve("ratelimits.yaml"), limits.toString());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The shape issue 16 measures a fleet on: every route splits {@link #PRIMARY_WEIGHT}/rest between two backends and
   * falls back to a third provider, the context policy applies to every route, and one RateLimit covers half of them.
   *
   * @param aliases each route answers to {@code model-N} and {@code model-N-latest} (two route entries per route)
   */
  public static Path writeFleetShape(Path dir, int routes, boolean aliases) {
    try {
      writeGatewayAndProviders(dir);
      writeFleetRoutes(dir, routes, aliases, -1, PRIMARY_WEIGHT);
      StringBuilder limited = new StringBuilder();
      for (int r = 0; r < routes; r += 2) {
        limited.append(r == 0 ? "" : ", ").append("route-").append(r);
      }
      Files.writeString(dir.resolve("ratelimits.yaml"), rateLimit("half", limited.toString()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * (Re)writes {@code routes.yaml} of the fleet shape with route {@code edited} (none when negative) split
   * {@code weight}/{@code 100 - weight}: one number of one route changes, the rest of the file stays byte-identical.
   */
  public static void writeFleetRoutes(Path dir, int routes, boolean aliases, int edited, int weight)
      throws IOException {
    StringBuilder models = new StringBuilder();
    for (int r = 0; r < routes; r++) {
      int primary = r == edited ? weight : PRIMARY_WEIGHT;
      models.append(modelRoute(r, aliases ? "model-" + r + ", model-" + r + "-latest" : "model-" + r, primary))
          .append(fallback(r));
    }
    Files.writeString(dir.resolve("routes.yaml"), models.toString());
  }

  private static void writeGatewayAndProviders(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("gateway.yaml"), """
        apiVersion: llm-xds.io/v1alpha1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listener: {port: 10000}
          extProc: {address: 127.0.0.1, port: 50051}
          contextPolicy: default
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: ContextPolicy
        metadata: {name: default}
        spec: {sessionHeader: x-session-id, schema: v2, mode: v1_v2_migration}
        """);
    StringBuilder providers = new StringBuilder();
    for (int p = 0; p < PROVIDERS; p++) {
      providers.append("""
          ---
          apiVersion: llm-xds.io/v1alpha1
          kind: Provider
          metadata: {name: p%d}
          spec: {baseUrl: "http://10.0.%d.%d:8080/v1"}
          """.formatted(p, p / 250, p % 250 + 1));
    }
    Files.writeString(dir.resolve("providers.yaml"), providers.toString());
  }

  /**
   * (Re)writes only {@code routes.yaml}, every route splitting {@code primaryWeight} / {@code 100 - primaryWeight}
   * between its two backends: flipping the weight is a change that touches every route's RDS entry and nothing else.
   */
  public static void writeRoutes(Path dir, int routes, int primaryWeight) throws IOException {
    StringBuilder models = new StringBuilder();
    for (int r = 0; r < routes; r++) {
      models.append(modelRoute(r, "model-" + r, primaryWeight));
      if (r % 4 == 0) {
        models.append(fallback(r));
      }
    }
    Files.writeString(dir.resolve("routes.yaml"), models.toString());
  }

  /** Route {@code r} answering to {@code models}, split {@code primary}/rest between providers r and r + 1. */
  private static String modelRoute(int r, String models, int primary) {
    return """
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: ModelRoute
        metadata: {name: route-%d}
        spec:
          models: [%s]
          backends:
            - {provider: p%d, weight: %d}
            - {provider: p%d, weight: %d}
        """.formatted(r, models, r % PROVIDERS, primary, (r + 1) % PROVIDERS, 100 - primary);
  }

  /** The lines that give route {@code r} a fallback to provider r + 2, with retries. */
  private static String fallback(int r) {
    return """
          fallbacks: [p%d]
          retry: {attempts: 2, retryOn: [5xx, reset]}
        """.formatted((r + 2) % PROVIDERS);
  }

  private static String rateLimit(String name, String routes) {
    return """
        ---
        apiVersion: llm-xds.io/v1alpha1
        kind: RateLimit
        metadata: {name: %s}
        spec:
          modelRoutes: [%s]
          limit: {requests: 100, per: 1m}
          tiers: {limits: {premium: unlimited}}
        """.formatted(name, routes);
  }
}
