package io.llmxds.cp.policy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The version of a bundle: a hash of its content, so that equal policies get equal versions on every replica and
 * after every restart, and a push happens only when something changed. The bundle is serialized canonically
 * (properties sorted, durations as ISO-8601, optionals unwrapped) with each secret as its fingerprint: a rotated
 * secret changes the version, but the secret itself is never serialized.
 */
public final class ConfigVersion {

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .addModule(new SimpleModule("canonical-policy")
          .addSerializer(Duration.class, ToStringSerializer.instance)
          .addSerializer(new OptionalSerializer())
          .addSerializer(new FingerprintSerializer())
          .addSerializer(new RulesSerializer()))
      .build();

  private ConfigVersion() {}

  /** 16 hex digits of the SHA-256 of the canonical bundle. */
  public static String of(PolicyBundle bundle) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(bundle));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot serialize a policy bundle", e);
    }
  }

  private static final class OptionalSerializer extends StdSerializer<Optional<?>> {
    OptionalSerializer() {
      super(Optional.class, false);
    }

    @Override
    public void serialize(Optional<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      provider.defaultSerializeValue(value.orElse(null), gen);
    }

    /** For {@code @JsonInclude(NON_EMPTY)}: an optional field added later leaves older bundles' versions alone. */
    @Override
    public boolean isEmpty(SerializerProvider provider, Optional<?> value) {
      return value == null || value.isEmpty();
    }
  }

  /**
   * A rules block as a request limit's fields ({@code per}, {@code requests}) and only the parts it has beyond them,
   * in name order: a local limit keeps the version it had before rules blocks could hold more.
   */
  private static final class RulesSerializer extends StdSerializer<RateLimit.Rules> {
    RulesSerializer() {
      super(RateLimit.Rules.class);
    }

    @Override
    public void serialize(RateLimit.Rules rules, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      if (rules.bucket() != RateLimit.Bucket.CONSUMER) {
        provider.defaultSerializeField("bucket", rules.bucket(), gen);
      }
      if (!rules.budgets().isEmpty()) {
        provider.defaultSerializeField("budgets", rules.budgets(), gen);
      }
      if (rules.requests().isPresent()) {
        provider.defaultSerializeField("per", rules.requests().get().per(), gen);
        gen.writeNumberField("requests", rules.requests().get().requests());
      }
      if (!rules.tokens().isEmpty()) {
        provider.defaultSerializeField("tokens", rules.tokens(), gen);
      }
      gen.writeEndObject();
    }
  }

  private static final class FingerprintSerializer extends StdSerializer<SecretValue> {
    FingerprintSerializer() {
      super(SecretValue.class);
    }

    @Override
    public void serialize(SecretValue value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(value.fingerprint());
    }
  }
}
