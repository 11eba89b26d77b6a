package io.llmxds.filters.extproc;

import static io.llmxds.filters.testing.TestDataPath.memoryStore;
import static io.llmxds.filters.testing.TestDataPath.route;
import static io.llmxds.filters.testing.TestDataPath.routeWithoutPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmxds.common.DataPathConfig;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.filters.auth.AuthorizationService;
import io.llmxds.filters.config.ResourceType;
import io.llmxds.filters.testing.TestDataPath;
import io.llmxds.filters.testing.TestDataPath.Config;
import io.llmxds.filters.testing.TestDataPath.Consumer;
import io.llmxds.filters.testing.TestDataPath.Policy;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ext_authz {@code Check} of the context service over real gRPC, configured over ADS, and what Envoy makes of each
 * answer ({@link FakeExtAuthz}, docs/envoy-semantics.md EA1–EA6): docs/context-protocol.md "Authentication".
 */
class AuthorizationServiceTest {
  static final String MISSING_KEY_BODY = "{\"error\":{\"message\":\"Missing API key. Send it as 'Authorization: "
      + "Bearer <key>', 'x-api-key: <key>' or 'api-key: <key>'.\",\"type\":\"invalid_request_error\","
      + "\"code\":\"missing_api_key\"}}";
  static final String INVALID_KEY_BODY = "{\"error\":{\"message\":\"Incorrect API key provided.\","
      + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
  private static final Map<String, String> DENIED_HEADERS =
      Map.of("content-type", "application/json", "www-authenticate", "Bearer");

  /** A chat route with a context policy and an embeddings route without one, and {@code consumers}. */
  static Config config(String version, Consumer... consumers) {
    return Config.of(version, List.of(memoryStore()), route("chat", Policy.of("default", "memory"), "gpt-4o"),
        routeWithoutPolicy("embed", "text-embedding-3")).withConsumers(consumers);
  }

  static Map<String, String> request(String... keyHeaders) {
    Map<String, String> headers = FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions",
        ":authority", "gateway", ":scheme", "https", "content-type", "application/json");
    headers.putAll(FakeEnvoy.headers(keyHeaders));
    return headers;
  }

  @Test
  void noKeyIsA401MissingApiKeyInOpenAisShape() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a")));

      CheckResponse denied = service.envoy.extAuthz().call(request());
      assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
      assertThat(denied.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
      assertThat(denied.getDeniedResponse().getBody()).isEqualTo(MISSING_KEY_BODY);
      assertThat(denied.getDeniedResponse().getHeadersList()).allSatisfy(h -> {
        assertThat(h.getHeader().getRawValue().isEmpty()).as("EA5: Envoy reads value only").isTrue();
        assertThat(h.hasAppend()).as("EA2: unset append = set").isFalse();
      });
      for (Map<String, String> noKey : List.of(request(), request("authorization", "Basic a2V5LWE="),
          request("authorization", "Bearer   "), request("x-api-key", " "))) {
        assertThat(service.envoy.extAuthz().check(noKey).localReply()).as(noKey.toString())
            .hasValue(new FakeEnvoy.LocalReply(401, DENIED_HEADERS, MISSING_KEY_BODY, "ext_authz_denied"));
      }
      assertThat(service.counter(AuthorizationService.CHECKS, "outcome", "missing_key", "consumer", "none"))
          .isEqualTo(5);
    }
  }

  @Test
  void anUnknownKeyIsA401InvalidApiKeyThatNeverQuotesTheKey() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a")));

      FakeExtAuthz.Result result = service.envoy.extAuthz().check(request("authorization", "Bearer sk-wrong-123"));

      assertThat(result.localReply())
          .hasValue(new FakeEnvoy.LocalReply(401, DENIED_HEADERS, INVALID_KEY_BODY, "ext_authz_denied"));
      assertThat(result.forwarded()).isEmpty();
      assertThat(service.counter(AuthorizationService.CHECKS, "outcome", "invalid_key", "consumer", "none"))
          .isEqualTo(1);
    }
  }

  @Test
  void aConsumersKeyInAnyOfTheThreeHeadersPassesAsItsConsumerAndTierWithoutTheKey() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a").withTier("gold"), Consumer.of("b", "key-b")));

      for (Map<String, String> keyed : List.of(request("authorization", "Bearer key-a"),
          request("authorization", "bearer key-a"), request("authorization", "BEARER  key-a "),
          request("x-api-key", "key-a"), request("api-key", "key-a"))) {
        FakeExtAuthz.Result result = service.envoy.extAuthz().check(keyed);
        assertThat(result.localReply()).as(keyed.toString()).isEmpty();
        assertThat(result.forwarded().orElseThrow())
            .containsEntry(GatewayIdentity.CONSUMER_HEADER, "a")
            .containsEntry(GatewayIdentity.TIER_HEADER, "gold")
            .containsEntry(":path", "/v1/chat/completions")
            .doesNotContainKeys(GatewayIdentity.KEY_HEADERS.toArray(String[]::new));
        assertThat(result.routeCacheCleared()).isTrue();
      }
      assertThat(service.envoy.extAuthz().check(request("x-api-key", "key-b")).forwarded().orElseThrow())
          .containsEntry(GatewayIdentity.CONSUMER_HEADER, "b")
          .containsEntry(GatewayIdentity.TIER_HEADER, GatewayIdentity.DEFAULT_TIER);

      CheckResponse ok = service.envoy.extAuthz().call(request("authorization", "Bearer key-a"));
      assertThat(ok.getStatus().getCode()).isZero();
      assertThat(ok.getOkResponse().getHeadersToRemoveList()).containsExactlyElementsOf(GatewayIdentity.KEY_HEADERS);
      assertThat(ok.getOkResponse().getHeadersList()).allSatisfy(h -> assertThat(h.getHeader().getRawValue()
          .isEmpty()).as("EA5: Envoy reads value only").isTrue());
      assertThat(service.counter(AuthorizationService.CHECKS, "outcome", "ok", "consumer", "a")).isEqualTo(6);
    }
  }

  @Test
  void theFirstHeaderThatCarriesAKeyDecides() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a"), Consumer.of("b", "key-b")));
      FakeExtAuthz authz = service.envoy.extAuthz();

      assertThat(authz.check(request("authorization", "Bearer wrong", "x-api-key", "key-a")).localReply())
          .hasValueSatisfying(reply -> assertThat(reply.body()).isEqualTo(INVALID_KEY_BODY));
      assertThat(authz.check(request("x-api-key", "wrong", "api-key", "key-a")).localReply())
          .hasValueSatisfying(reply -> assertThat(reply.body()).isEqualTo(INVALID_KEY_BODY));
      assertThat(authz.check(request("authorization", "Bearer key-b", "x-api-key", "key-a")).forwarded()
          .orElseThrow()).containsEntry(GatewayIdentity.CONSUMER_HEADER, "b");
      // Not a bearer token: the key is looked for further down.
      assertThat(authz.check(request("authorization", "Basic eDp5", "x-api-key", "key-a")).forwarded()
          .orElseThrow()).containsEntry(GatewayIdentity.CONSUMER_HEADER, "a");
    }
  }

  @Test
  void withoutAConsumerTableTheCheckFailsUnavailableAndEnvoyRefusesWith503() {
    try (ContextService service = new ContextService()) {
      assertUnconfigured(service, "built-in default");

      service.configure(Config.of("anon", List.of(memoryStore()), route("chat", Policy.of("p", "memory"), "m")));
      assertUnconfigured(service, "anon");
      assertThat(service.counter(AuthorizationService.CHECKS, "outcome", "unconfigured", "consumer", "none"))
          .isEqualTo(4);
    }
  }

  private static void assertUnconfigured(ContextService service, String config) {
    assertThatThrownBy(() -> service.envoy.extAuthz().call(request("authorization", "Bearer key-a")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).isEqualTo("no consumer table: data-path config " + config
              + " has no consumers, so no API key can be checked");
        });
    FakeEnvoy.Answers answers = service.envoy.exchangeAuthorized(new FakeEnvoy.Http(Map.of(),
        request("authorization", "Bearer key-a"), ContextService.chatRequest("m", null, "hi"),
        ContextService.jsonResponseHeaders(), List.of()));
    assertThat(answers.localReply()).hasValue(new FakeEnvoy.LocalReply(503, Map.of(), "", "ext_authz_error"));
    assertThat(answers.forwarded()).as("never let through").isNull();
  }

  @Test
  void theAuthenticatorStoppedRefusesEveryRequest() throws Exception {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a")));
      assertThat(service.chatWithKey("key-a", "s1", ContextService.chatRequest("gpt-4o", null, "hi"), "hello")
          .localReply()).isEmpty();

      service.envoy.stopService();

      FakeEnvoy.Answers answers =
          service.chatWithKey("key-a", "s1", ContextService.chatRequest("gpt-4o", null, "hi"), "hello");
      assertThat(answers.localReply()).hasValue(new FakeEnvoy.LocalReply(503, Map.of(), "", "ext_authz_error"));
      assertThat(answers.forwarded()).isNull();
    }
  }

  @Test
  void rotationAddKey2RemoveKey1AppliesOnTheNextCheckWithoutRestart() {
    try (ContextService service = new ContextService()) {
      FakeExtAuthz authz = service.envoy.extAuthz();
      service.configure(config("1", Consumer.of("a", "key-1"), Consumer.of("b", "key-b")));
      assertThat(consumerOf(authz, "key-1")).hasValue("a");
      assertThat(consumerOf(authz, "key-2")).isEmpty();

      service.configure(config("2", Consumer.of("a", "key-1", "key-2"), Consumer.of("b", "key-b")));
      assertThat(consumerOf(authz, "key-1")).hasValue("a");
      assertThat(consumerOf(authz, "key-2")).hasValue("a");

      // One reload: key 1 removed, consumer b removed. The first check after the apply refuses both.
      service.configure(config("3", Consumer.of("a", "key-2")));
      assertThat(consumerOf(authz, "key-1")).isEmpty();
      assertThat(consumerOf(authz, "key-b")).isEmpty();
      assertThat(consumerOf(authz, "key-2")).hasValue("a");
    }
  }

  private static Optional<String> consumerOf(FakeExtAuthz authz, String key) {
    return authz.check(request("authorization", "Bearer " + key)).forwarded()
        .map(headers -> headers.get(GatewayIdentity.CONSUMER_HEADER));
  }

  @Test
  void aMalformedKeyHashIsNackedNamingTheSecretAndLineAndTheLastGoodKeysServe() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-1")));
      String salt = "00112233445566778899aabbccddeeff";
      Config broken = config("2", Consumer.of("a", "key-1"));
      List<Secret> secrets = new ArrayList<>(broken.secrets());
      secrets.replaceAll(s -> s.getName().equals(DataPathConfig.keysSecret("a")) ? Secret.newBuilder()
          .setName(s.getName()).setGenericSecret(GenericSecret.newBuilder().setSecret(DataSource.newBuilder()
              .setInlineString(TestDataPath.keyHash("key-1") + "\nsha256$" + salt + "$abc\n"))).build() : s);

      service.controlPlane.serve(new Config("2", broken.clusters(), broken.table(), secrets));

      var nack = service.controlPlane.awaitAnswer(ResourceType.SDS, "2");
      assertThat(nack.error()).hasValue("Secret consumer/a/keys: generic_secret.secret line 2 is not "
          + "sha256$<32 hex digits of salt>$<64 hex digits of SHA-256>");
      assertThat(nack.error().get()).doesNotContain(salt);
      // The table of version 2 may run (it is complete with the keys applied before); the keys are version 1's.
      assertThat(service.ads.status().versions()).containsEntry(ResourceType.SDS, "1");
      assertThat(consumerOf(service.envoy.extAuthz(), "key-1")).hasValue("a");
    }
  }

  @Test
  void theCheckSpanContinuesTheTraceEnvoySendsInTheCallsMetadata() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a")));
      service.envoy.extAuthz().call(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
          request("x-api-key", "key-a"));

      SpanData check = await().until(() -> service.spans.getFinishedSpanItems().stream()
          .filter(span -> span.getName().equals("auth.check")).findFirst(), Optional::isPresent).orElseThrow();
      assertThat(check.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(check.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(check.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.SERVER);
    }
  }

  @Test
  void everyCheckIsASpanWithItsOutcomeConsumerAndConfigVersion() {
    try (ContextService service = new ContextService()) {
      service.configure(config("1", Consumer.of("a", "key-a").withLabels(Map.of("team", "search"))));
      FakeExtAuthz authz = service.envoy.extAuthz();
      authz.check(request("x-api-key", "key-a"));
      authz.check(request("x-api-key", "nope"));
      authz.check(request());

      // A check's span ends after its answer is sent: wait for the third.
      List<SpanData> spans = await().until(() -> service.spans.getFinishedSpanItems().stream()
          .filter(span -> span.getName().equals("auth.check")).toList(), finished -> finished.size() == 3);
      assertThat(spans).extracting(span -> span.getAttributes().get(AuthorizationService.OUTCOME))
          .containsExactly("ok", "invalid_key", "missing_key");
      assertThat(spans).extracting(span -> span.getAttributes().get(AuthorizationService.CONSUMER))
          .containsExactly("a", "none", "none");
      assertThat(spans).allSatisfy(span -> assertThat(span.getAttributes()
          .get(io.llmxds.filters.context.ContextSpanAttributes.CONFIG_VERSION)).isEqualTo("1"));
      assertThat(spans.get(0).getAttributes().get(
          io.opentelemetry.api.common.AttributeKey.stringKey("llm_xds.auth.consumer.label.team"))).isEqualTo("search");
    }
  }
}
