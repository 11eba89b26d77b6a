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

  private SyntheticPolicies() {}

  public static Path write(Path dir, int routes) {
    try {
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
      StringBuilder models = new StringBuilder();
      StringBuilder limits = new StringBuilder();
      for (int r = 0; r < routes; r++) {
        int a = r % PROVIDERS;
        int b = (r + 1) % PROVIDERS;
        int fallback = (r + 2) % PROVIDERS;
        boolean withFallback = r % 4 == 0;
        models.append("""
            ---
            apiVersion: llm-xds.io/v1alpha1
            kind: ModelRoute
            metadata: {name: route-%d}
            spec:
              models: [model-%d]
              backends:
                - {provider: p%d, weight: 90}
                - {provider: p%d, weight: 10}
            """.formatted(r, r, a, b));
        if (withFallback) {
          models.append("""
                fallbacks: [p%d]
                retry: {attempts: 2, retryOn: [5xx, reset]}
              """.formatted(fallback));
        }
        if (r % 10 == 0) {
          limits.append("""
              ---
              apiVersion: llm-xds.io/v1alpha1
              kind: RateLimit
              metadata: {name: limit-%d}
              spec:
                modelRoutes: [route-%d]
                keyHeader: x-api-key
                limit: {requests: 100, per: 1m}
                tiers: {header: x-llm-tier, limits: {premium: unlimited}}
              """.formatted(r, r));
        }
      }
      Files.writeString(dir.resolve("routes.yaml"), models.toString());
      Files.writeString(dir.resolve("ratelimits.yaml"), limits.toString());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
