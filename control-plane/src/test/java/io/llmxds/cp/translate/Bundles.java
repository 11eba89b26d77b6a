package io.llmxds.cp.translate;

import io.llmxds.cp.policy.ContextPolicy;
import io.llmxds.cp.policy.Gateway;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import io.llmxds.cp.policy.RateLimit;
import io.llmxds.cp.policy.SecretValue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Policy bundles built in Java, shaped like examples/policies, for the translator's unit tests. */
public final class Bundles {

  public static final String SECRET = "sk-test-secret-value";

  private Bundles() {}

  public static Gateway gateway(Optional<String> contextPolicy) {
    return new Gateway(
        "edge",
        new Gateway.SocketAddress("0.0.0.0", 10000),
        new Gateway.ExtProcService(new Gateway.SocketAddress("127.0.0.1", 50051), Duration.ofSeconds(30), true),
        8L * 1024 * 1024,
        Duration.ZERO,
        Duration.ofSeconds(300),
        "/etc/ssl/certs/ca-certificates.crt",
        contextPolicy);
  }

  public static Provider plain(String name, String host, int port) {
    return new Provider(name, host, port, false, "", Optional.empty(), "", Duration.ofSeconds(2),
        Provider.LoadBalancing.ROUND_ROBIN, Optional.empty(), Provider.Api.OPENAI);
  }

  public static Provider openai() {
    return new Provider("openai", "api.openai.com", 443, true, "api.openai.com", Optional.empty(), "/v1",
        Duration.ofSeconds(5),
        Provider.LoadBalancing.ROUND_ROBIN,
        Optional.of(new Provider.Credentials("Authorization", "Bearer ", "secrets/openai-api-key",
            new SecretValue(SECRET))), Provider.Api.OPENAI);
  }

  public static ContextPolicy contextPolicy(String name) {
    return new ContextPolicy(name, "x-session-id", "x-user-id", ContextPolicy.Schema.V1, ContextPolicy.Mode.STRICT,
        20, 32000, "memory", ContextPolicy.FailureMode.OPEN, Optional.empty());
  }

  public static ModelRoute.Retry retry(int attempts) {
    return new ModelRoute.Retry(attempts, List.of("5xx", "reset"), List.of(), Duration.ofSeconds(120));
  }

  public static ModelRoute chat() {
    return new ModelRoute("chat", List.of("gpt-4o-mini", "chat"),
        List.of(new ModelRoute.Backend("mock-a", Optional.of("mock-model-a"), 90),
            new ModelRoute.Backend("mock-b", Optional.empty(), 10)),
        List.of(new ModelRoute.Fallback("mock-fallback", Optional.empty())), retry(2), Duration.ofSeconds(300),
        Optional.of("default"));
  }

  public static ModelRoute gpt4o() {
    return new ModelRoute("gpt-4o", List.of("gpt-4o"), List.of(new ModelRoute.Backend("openai", Optional.empty(), 1)),
        List.of(), new ModelRoute.Retry(1, List.of("5xx", "reset"), List.of(), Duration.ZERO), Duration.ofSeconds(600),
        Optional.empty());
  }

  public static RateLimit tieredLimit() {
    RateLimit.Limit perMinute = new RateLimit.Limit(100, Duration.ofMinutes(1));
    return new RateLimit("default", List.of("chat"), perMinute,
        List.of(new RateLimit.Tier("premium", Optional.empty()),
            new RateLimit.Tier("gold", Optional.of(RateLimit.Rules.of(new RateLimit.Limit(1000, Duration.ofMinutes(1)))))));
  }

  /** The bundle examples/policies describes. */
  public static PolicyBundle example() {
    return new PolicyBundle(
        gateway(Optional.of("default")),
        List.of(plain("mock-a", "127.0.0.1", 18081), plain("mock-b", "127.0.0.1", 18082),
            plain("mock-fallback", "127.0.0.1", 18083), openai()),
        List.of(chat(), gpt4o()),
        List.of(tieredLimit()),
        List.of(contextPolicy("default")));
  }
}
