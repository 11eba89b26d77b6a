package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.policy.ModelRoute.Backend;
import io.llmxds.cp.policy.RateLimit.Limit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExamplePoliciesTest {

  private final LoadResult.Loaded loaded = TestPolicies.loaded(TestPolicies.EXAMPLES);
  private final PolicyBundle bundle = loaded.bundle();

  @Test
  void everyKindIsLoadedAndSortedByName() {
    assertThat(bundle.gateway().name()).isEqualTo("edge");
    assertThat(bundle.providers()).extracting(Provider::name)
        .containsExactly("mock-a", "mock-b", "mock-fallback", "openai");
    assertThat(bundle.modelRoutes()).extracting(ModelRoute::name).containsExactly("chat", "gpt-4o");
    assertThat(bundle.rateLimits()).extracting(RateLimit::name).containsExactly("default");
    assertThat(bundle.contextPolicies()).extracting(ContextPolicy::name).containsExactly("default");
  }

  @Test
  void routesKeepWeightsModelOverridesAndRetries() {
    ModelRoute chat = bundle.modelRoute("chat").orElseThrow();
    assertThat(chat.backends()).containsExactly(
        new Backend("mock-a", Optional.of("mock-model-a"), 90), new Backend("mock-b", Optional.empty(), 10));
    assertThat(chat.fallbacks()).containsExactly(new ModelRoute.Fallback("mock-fallback", Optional.empty()));
    assertThat(chat.retry().attempts()).isEqualTo(2);
    assertThat(chat.retry().perTryTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(chat.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(bundle.modelRoute("gpt-4o").orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void rateLimitTiersAreSortedAndUnlimitedIsEmpty() {
    RateLimit limit = bundle.rateLimits().get(0);
    assertThat(limit.requestLimit()).isEqualTo(new Limit(100, Duration.ofMinutes(1)));
    assertThat(limit.tiers()).extracting(RateLimit.Tier::value).containsExactly("gold", "premium");
    assertThat(limit.tiers().get(0).limit()).contains(RateLimit.Rules.of(new Limit(1000, Duration.ofMinutes(1))));
    assertThat(limit.tiers().get(1).unlimited()).isTrue();
  }

  @Test
  void providerUrlsAndCredentialsAreParsed() {
    Provider openai = bundle.provider("openai").orElseThrow();
    assertThat(openai.host()).isEqualTo("api.openai.com");
    assertThat(openai.port()).isEqualTo(443);
    assertThat(openai.tls()).isTrue();
    assertThat(openai.sni()).isEqualTo("api.openai.com");
    assertThat(openai.pathPrefix()).isEqualTo("/v1");
    Provider.Credentials credentials = openai.credentials().orElseThrow();
    assertThat(credentials.header()).isEqualTo("Authorization");
    assertThat(credentials.prefix()).isEqualTo("Bearer ");
    // the file's trailing newline is not part of the secret
    assertThat(credentials.secret().fingerprint()).isEqualTo(new SecretValue("sk-example-replace-me").fingerprint());
    assertThat(credentials.toString()).contains(credentials.secret().fingerprint()).doesNotContain("sk-example");

    Provider mock = bundle.provider("mock-a").orElseThrow();
    assertThat(List.of(mock.host(), mock.port(), mock.tls(), mock.sni(), mock.pathPrefix()))
        .containsExactly("127.0.0.1", 18081, false, "", "/v1");
    assertThat(mock.credentials()).isEmpty();
  }

  @Test
  void inputsAreEveryPolicyFileAndSecretFileAbsolute() {
    Path dir = TestPolicies.EXAMPLES.toAbsolutePath().normalize();
    assertThat(loaded.inputs()).containsExactlyInAnyOrder(
        dir.resolve("context.yaml"),
        dir.resolve("gateway.yaml"),
        dir.resolve("providers.yaml"),
        dir.resolve("ratelimits.yaml"),
        dir.resolve("routes.yaml"),
        dir.resolve("secrets/openai-api-key"));
  }
}
