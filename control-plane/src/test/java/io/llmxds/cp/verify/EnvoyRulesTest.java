package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.xds.data.orca.v3.OrcaLoadReport;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.common.matcher.v3.Matcher;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.HealthStatusSet;
import io.envoyproxy.envoy.config.core.v3.KeyValue;
import io.envoyproxy.envoy.config.core.v3.KeyValueAppend;
import io.envoyproxy.envoy.config.core.v3.RateLimitSettings;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.RuntimeFeatureFlag;
import io.envoyproxy.envoy.config.core.v3.SchemeHeaderTransformation;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.core.v3.UdpSocketConfig;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.metrics.v3.HistogramBucketSettings;
import io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.extensions.geoip_providers.maxmind.v3.MaxMindConfig;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.pgv.validate.Validate.AnyRules;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import io.envoyproxy.pgv.validate.Validate.TimestampRules;
import io.envoyproxy.pgv.validate.Validate.UInt32Rules;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Translator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule kind against real Envoy messages (and hand-written rules for the kinds no Envoy field uses). */
class EnvoyRulesTest {

  /** The rules broken at exactly {@code path}, as {@code rule (value: v)}. */
  private static List<String> at(Message message, String path) {
    return EnvoyRules.violations(message).stream().filter(v -> v.path().equals(path))
        .map(v -> v.rule() + " (value: " + v.value() + ")").toList();
  }

  /** What {@code rules} says about {@code value}, compiled as for a field. */
  private static List<String> judge(FieldRules rules, Object value) {
    List<String> found = new ArrayList<>();
    ValueRules.compile(rules, "").check(value, (rule, v) -> found.add(rule + " (value: " + ShownValue.of(v) + ")"));
    return found;
  }

  @Nested
  class Snapshots {
    @Test
    void theValidFixturesAndTheTranslatedExamplePass() {
      assertThat(EnvoyRules.violations(ValidEnvoy.cluster(c -> c))).isEmpty();
      assertThat(EnvoyRules.violations(ValidEnvoy.endpoints(e -> e))).isEmpty();
      assertThat(EnvoyRules.violations(ValidEnvoy.listener(l -> l))).isEmpty();
      assertThat(EnvoyRules.violations(ValidEnvoy.routeConfig(r -> r))).isEmpty();
      assertThat(EnvoyRules.violations(ValidEnvoy.secret(s -> s))).isEmpty();
      assertThat(EnvoyRules.check(Translator.translate(Bundles.example()))).isEmpty();
    }

    @Test
    void eachLineNamesTheResourceTypeAndName() {
      EnvoyResources broken = new EnvoyResources(
          List.of(ValidEnvoy.cluster(c -> c.setConnectTimeout(Durations.fromSeconds(-1)))),
          List.of(ValidEnvoy.endpoints(e -> e.setEndpoints(0, e.getEndpoints(0).toBuilder().setPriority(200)))),
          List.of(), List.of(), List.of());

      assertThat(EnvoyRules.check(broken)).containsExactly(
          "Cluster provider/openai: connect_timeout: duration {gt: 0s} (value: -1s)",
          "ClusterLoadAssignment provider/openai: endpoints[0].priority: uint32 {lte: 128} (value: 200)");
    }

    @Test
    void valuesInsideSensitiveFieldsAreRedacted() {
      EnvoyResources broken = new EnvoyResources(List.of(), List.of(), List.of(), List.of(),
          List.of(ValidEnvoy.secret(s -> s.setGenericSecret(s.getGenericSecret().toBuilder()
              .putSecrets("api", io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                  .setEnvironmentVariable("").build())))));

      assertThat(EnvoyRules.check(broken)).containsExactly("Secret provider/openai/credential:"
          + " generic_secret.secrets[api].environment_variable: string {min_len: 1} (value: <redacted>)");
    }
  }

  @Nested
  class Strings {
    @Test
    void lengthsCountCodePointsAndUtf8Bytes() {
      assertThat(at(RuntimeFeatureFlag.newBuilder().setDefaultValue(BoolValue.of(true)).build(), "runtime_key"))
          .containsExactly("string {min_len: 1} (value: \"\")");
      // 'é' is two bytes: 128 of them are 256 bytes, over the SNI limit of 255, though only 128 characters.
      var sni = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.newBuilder();
      assertThat(at(sni.setSni("é".repeat(128)).build(), "sni")).singleElement().asString()
          .startsWith("string {max_bytes: 255}");
      assertThat(at(sni.setSni("é".repeat(127)).build(), "sni")).isEmpty();
    }

    @Test
    void strictHeaderNamesFollowRfc7230AndEmptyIsIgnoredWhenAsked() {
      assertThat(at(Generic.newBuilder().setHeader("x bad").build(), "header"))
          .containsExactly("string {well_known_regex: HTTP_HEADER_NAME} (value: \"x bad\")");
      assertThat(at(Generic.newBuilder().setHeader("x-api-key").build(), "header")).isEmpty();
      assertThat(at(Generic.newBuilder().setHeader(":authority").build(), "header")).isEmpty();
      assertThat(at(Generic.getDefaultInstance(), "header")).as("ignore_empty").isEmpty();
    }

    @Test
    void looseHeaderRulesOnlyRefuseNulCrAndLf() {
      assertThat(at(HeaderValue.newBuilder().setKey("x bad but loose").build(), "key")).isEmpty();
      assertThat(at(HeaderValue.newBuilder().setKey("x-a").setValue("v\r\nx-b: c").build(), "value"))
          .containsExactly("string {well_known_regex: HTTP_HEADER_VALUE, strict: false} (value: \"v\\r\\nx-b: c\")");
    }

    @Test
    void strictHeaderValuesRefuseControlCharactersButNotTab() {
      HealthCheck.HttpHealthCheck.Builder check = HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz");
      assertThat(at(check.setHost("a\tb").build(), "host")).isEmpty();
      assertThat(at(check.setHost("a\u0001b").build(), "host"))
          .containsExactly("string {well_known_regex: HTTP_HEADER_VALUE} (value: \"a\\u0001b\")");
    }

    @Test
    void patternsHaveRe2SemanticsWhereDollarIsTheEndOfTheText() {
      // java.util.regex would let "$" match before the final line break and accept this.
      assertThat(at(MaxMindConfig.newBuilder().setCityDbPath("city.mmdb\n").build(), "city_db_path"))
          .containsExactly("string {pattern: \"^$|^.*\\\\.mmdb$\"} (value: \"city.mmdb\\n\")");
      assertThat(at(MaxMindConfig.newBuilder().setCityDbPath("city.mmdb").build(), "city_db_path")).isEmpty();
    }

    @Test
    void prefixSuffixAndIn() {
      assertThat(at(RateLimit.HitsAddend.newBuilder().setFormat("DYNAMIC_METADATA(x)").build(), "format"))
          .containsExactly("string {prefix: \"%\"} (value: \"DYNAMIC_METADATA(x)\")",
              "string {suffix: \"%\"} (value: \"DYNAMIC_METADATA(x)\")");
      assertThat(at(SchemeHeaderTransformation.newBuilder().setSchemeToOverwrite("ftp").build(),
          "scheme_to_overwrite")).containsExactly("string {in: [\"http\", \"https\"]} (value: \"ftp\")");
    }

    @Test
    void theRulesNoEnvoyFieldUses() {
      FieldRules rules = FieldRules.newBuilder().setString(StringRules.newBuilder().setConst("abc").setLen(3)
          .setLenBytes(3).setContains("b").setNotContains("z").addNotIn("zzz")).build();
      assertThat(judge(rules, "abc")).isEmpty();
      assertThat(judge(rules, "zzz")).containsExactly("string {const: \"abc\"} (value: \"zzz\")",
          "string {contains: \"b\"} (value: \"zzz\")", "string {not_contains: \"z\"} (value: \"zzz\")",
          "string {not_in: [\"zzz\"]} (value: \"zzz\")");
      assertThat(judge(rules, "äbc")).containsExactly("string {const: \"abc\"} (value: \"äbc\")",
          "string {len_bytes: 3} (value: \"äbc\")");
    }

    @Test
    void bytesCountBytes() {
      HeaderValue.Builder header = HeaderValue.newBuilder().setKey("x-a");
      assertThat(at(header.setRawValue(ByteString.copyFrom(new byte[16385])).build(), "raw_value"))
          .containsExactly("bytes {max_len: 16384} (value: 16385 bytes)");
      assertThat(at(header.setRawValue(ByteString.copyFrom(new byte[16384])).build(), "raw_value")).isEmpty();
    }
  }

  @Nested
  class Numbers {
    @Test
    void signedIntegers() {
      assertThat(at(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(0).build(), "update_frequency"))
          .containsExactly("int32 {gt: 0} (value: 0)");
      assertThat(at(DownstreamConnectionsConfig.newBuilder().setMaxActiveDownstreamConnections(-5).build(),
          "max_active_downstream_connections")).containsExactly("int64 {gt: 0} (value: -5)");
    }

    @Test
    void unsigned64ComparesUnsigned() {
      // -1L is 2^64-1 as a uint64: far above the limit, not below it.
      assertThat(at(RateLimit.HitsAddend.newBuilder().setNumber(UInt64Value.of(-1L)).build(), "number"))
          .containsExactly("uint64 {lte: 1000000000} (value: 18446744073709551615)");
      assertThat(at(UdpSocketConfig.newBuilder().setMaxRxDatagramSize(UInt64Value.of(65536)).build(),
          "max_rx_datagram_size")).containsExactly("uint64 {gt: 0, lt: 65536} (value: 65536)");
    }

    @Test
    void floatingPointAndWrappers() {
      assertThat(at(AccessLogCommon.newBuilder().setSampleRate(1.5).build(), "sample_rate"))
          .containsExactly("double {gt: 0.0, lte: 1.0} (value: 1.5)");
      assertThat(at(RateLimitSettings.newBuilder().setFillRate(DoubleValue.of(0)).build(), "fill_rate"))
          .containsExactly("double {gt: 0.0} (value: 0.0)");
      assertThat(at(io.envoyproxy.envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3
          .ClientSideWeightedRoundRobin.newBuilder().setErrorUtilizationPenalty(FloatValue.of(-1f))
          .build(), "error_utilization_penalty")).containsExactly("float {gte: 0.0} (value: -1.0)");
    }

    @Test
    void anInvertedRangeMeansOutsideAsInPgv() {
      FieldRules outside = FieldRules.newBuilder().setUint32(UInt32Rules.newBuilder().setLt(10).setGt(20)).build();
      assertThat(judge(outside, 15)).containsExactly("uint32 {gt: 20, lt: 10} (value: 15)");
      assertThat(judge(outside, 5)).isEmpty();
      assertThat(judge(outside, 25)).isEmpty();
      FieldRules in = FieldRules.newBuilder().setUint32(UInt32Rules.newBuilder().addIn(1).addIn(2).addNotIn(3)
          .setConst(2).setIgnoreEmpty(true)).build();
      assertThat(judge(in, 0)).as("ignore_empty").isEmpty();
      assertThat(judge(in, 3)).containsExactly("uint32 {const: 2} (value: 3)", "uint32 {in: [1, 2]} (value: 3)",
          "uint32 {not_in: [3]} (value: 3)");
    }
  }

  @Nested
  class Enums {
    @Test
    void definedOnlyAndNotIn() {
      assertThat(at(VirtualHost.newBuilder().setRequireTlsValue(3).build(), "require_tls"))
          .containsExactly("enum {defined_only: true} (value: 3)");
      assertThat(at(HealthCheck.HttpHealthCheck.newBuilder().setPath("/").setMethod(RequestMethod.CONNECT).build(),
          "method")).containsExactly("enum {not_in: [6]} (value: CONNECT)");
      assertThat(at(HttpStatus.newBuilder().setCodeValue(0).build(), "code"))
          .containsExactly("enum {not_in: [0]} (value: Empty)");
    }

    @Test
    void repeatedEnumItems() {
      assertThat(at(HealthStatusSet.newBuilder().addStatusesValue(1).addStatusesValue(42).build(), "statuses[1]"))
          .containsExactly("repeated.items.enum {defined_only: true} (value: 42)");
    }
  }

  @Nested
  class Times {
    @Test
    void durationBoundsAndRequired() {
      assertThat(at(io.envoyproxy.envoy.type.v3.TokenBucket.newBuilder().setMaxTokens(1)
          .setFillInterval(Durations.fromNanos(-1)).build(), "fill_interval"))
          .containsExactly("duration {gt: 0s} (value: -0.000000001s)");
      assertThat(at(io.envoyproxy.envoy.type.v3.TokenBucket.newBuilder().setMaxTokens(1).build(), "fill_interval"))
          .containsExactly("duration {required: true} (value: <unset>)");
    }

    @Test
    void timestampsNoEnvoyFieldUses() {
      Timestamp past = Timestamps.fromSeconds(1_000_000_000);
      Timestamp future = Timestamps.add(Timestamps.fromMillis(System.currentTimeMillis()), Durations.fromHours(1));
      FieldRules ltNow = FieldRules.newBuilder().setTimestamp(TimestampRules.newBuilder().setLtNow(true)
          .setGt(Timestamps.fromSeconds(0)).setWithin(Durations.fromDays(365 * 100))).build();
      assertThat(judge(ltNow, past)).isEmpty();
      assertThat(judge(ltNow, future)).singleElement().asString().startsWith("timestamp {lt_now: true}");
      FieldRules within = FieldRules.newBuilder().setTimestamp(TimestampRules.newBuilder().setGtNow(true)
          .setWithin(Durations.fromMinutes(1))).build();
      assertThat(judge(within, future)).singleElement().asString().startsWith("timestamp {within: 60s}");
      assertThat(judge(within, past)).hasSize(2);
    }
  }

  @Nested
  class Lists {
    @Test
    void minAndMaxItems() {
      VirtualHost.Builder host = VirtualHost.newBuilder().setName("v");
      assertThat(at(host.build(), "domains")).containsExactly("repeated {min_items: 1} (value: 0 items)");
      for (int i = 0; i <= 1000; i++) {
        host.addRequestHeadersToAdd(io.envoyproxy.envoy.config.core.v3.HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("x-" + i)));
      }
      assertThat(at(host.build(), "request_headers_to_add"))
          .containsExactly("repeated {max_items: 1000} (value: 1001 items)");
    }

    @Test
    void uniqueItemsAndItemRules() {
      assertThat(at(InternalRedirectPolicy.newBuilder().addResponseHeadersToCopy("x-a")
          .addResponseHeadersToCopy("x-a").build(), "response_headers_to_copy"))
          .containsExactly("repeated {unique: true} (value: \"x-a\")");
      assertThat(at(FilterChainMatch.newBuilder().addSourcePorts(443).addSourcePorts(0).build(), "source_ports[1]"))
          .containsExactly("repeated.items.uint32 {gte: 1, lte: 65535} (value: 0)");
      assertThat(EnvoyRules.violations(HistogramBucketSettings.newBuilder().setMatch(
              io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setExact("x"))
          .addBuckets(0.5).addBuckets(-1).build()))
          .extracting(v -> v.path() + ": " + v.rule())
          .containsExactly("buckets[1]: repeated.items.double {gt: 0.0}");
    }
  }

  @Nested
  class Maps {
    @Test
    void pairsKeysAndValues() {
      assertThat(at(Matcher.MatcherTree.MatchMap.getDefaultInstance(), "map"))
          .containsExactly("map {min_pairs: 1} (value: 0 pairs)");
      assertThat(EnvoyRules.violations(BucketId.newBuilder().putBucket("", "v").putBucket("k", "").build()))
          .extracting(v -> v.path() + ": " + v.rule())
          .containsExactly("bucket[]: map.keys.string {min_len: 1}", "bucket[k]: map.values.string {min_len: 1}");
      assertThat(at(OrcaLoadReport.newBuilder().putUtilization("gpu", 1.5).build(), "utilization[gpu]"))
          .containsExactly("map.values.double {gte: 0.0, lte: 1.0} (value: 1.5)");
    }
  }

  @Nested
  class Messages {
    @Test
    void requiredMessagesIncludingWrappers() {
      assertThat(at(RuntimeFeatureFlag.newBuilder().setRuntimeKey("k").build(), "default_value"))
          .containsExactly("message {required: true} (value: <unset>)");
      assertThat(at(RuntimeFeatureFlag.newBuilder().setRuntimeKey("k").setDefaultValue(BoolValue.of(false))
          .build(), "default_value")).isEmpty();
    }

    @Test
    @SuppressWarnings("deprecation") // KeyValueAppend.entry is the one field Envoy marks skip, and it is deprecated
    void skipLeavesTheMessageUnread() {
      assertThat(EnvoyRules.violations(KeyValueAppend.newBuilder().setEntry(KeyValue.getDefaultInstance()).build()))
          .isEmpty();
      assertThat(EnvoyRules.violations(KeyValue.getDefaultInstance())).isNotEmpty();
    }

    @Test
    void anyIsRequiredUnpackedAndOfAKnownType() {
      assertThat(at(TypedExtensionConfig.newBuilder().setName("x").build(), "typed_config"))
          .containsExactly("any {required: true} (value: <unset>)");
      FieldRules anyIn = FieldRules.newBuilder().setAny(AnyRules.newBuilder()
          .addIn("type.googleapis.com/google.protobuf.Int32Value")).build();
      assertThat(judge(anyIn, Any.pack(Int32Value.of(1)))).isEmpty();
      assertThat(judge(anyIn, Any.pack(BoolValue.of(true)))).containsExactly(
          "any {in: [type.googleapis.com/google.protobuf.Int32Value]}"
              + " (value: \"type.googleapis.com/google.protobuf.BoolValue\")");
    }

    @Test
    void aOneofMembersRulesApplyOnlyWhenItIsTheMemberSet() {
      assertThat(EnvoyRules.violations(ValidEnvoy.routeConfig(r -> r.setMatch(
          io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix(""))))).isEmpty();
    }
  }
}
