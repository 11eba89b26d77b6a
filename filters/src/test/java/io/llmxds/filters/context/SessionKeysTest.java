package io.llmxds.filters.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.filters.context.RequestPolicy.Schema;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionKeysTest {

  @Test
  void theKeyNamesSchemaAndUrlEncodedSession() {
    assertThat(SessionKeys.storeKey(new SessionKey("a b/c", Optional.empty()), Schema.V1))
        .isEqualTo("llmxds:ctx:v1:a+b%2Fc");
  }

  @Test
  void aUserIdPrefixesTheSessionSoTwoUsersAreTwoConversations() {
    assertThat(SessionKeys.storeKey(new SessionKey("s1", Optional.of("ann@x.io")), Schema.V2))
        .isEqualTo("llmxds:ctx:v2:ann%40x.io/s1");
    assertThat(SessionKeys.hash(new SessionKey("s1", Optional.of("ann"))))
        .isNotEqualTo(SessionKeys.hash(new SessionKey("s1", Optional.of("bob"))));
  }

  @Test
  void theHashIsTheFirst16HexOfTheSha256OfTheSessionPart() {
    // echo -n s1 | sha256sum: e8bc163c82eee18733288c7d4ac636db...
    assertThat(SessionKeys.hash(new SessionKey("s1", Optional.empty()))).isEqualTo("e8bc163c82eee187");
  }

  @Test
  void aConsumerPrefixesTheSessionSoTwoConsumersAreTwoConversations() {
    assertThat(SessionKeys.storeKey(new SessionKey("s1", Optional.of("ann"), Optional.of("team a")), Schema.V1))
        .isEqualTo("llmxds:ctx:v1:@team+a/ann/s1");
    assertThat(SessionKeys.storeKey(new SessionKey("s1", Optional.empty(), Optional.of("b")), Schema.V2))
        .isEqualTo("llmxds:ctx:v2:@b/s1");
    // An anonymous id that looks like a consumer prefix is encoded, so it never meets a consumer's key.
    assertThat(SessionKeys.storeKey(new SessionKey("@b/s1", Optional.empty()), Schema.V2))
        .isEqualTo("llmxds:ctx:v2:%40b%2Fs1");
    assertThat(SessionKeys.hash(new SessionKey("s1", Optional.empty(), Optional.of("a"))))
        .isNotEqualTo(SessionKeys.hash(new SessionKey("s1", Optional.empty(), Optional.of("b"))))
        .isNotEqualTo(SessionKeys.hash(new SessionKey("s1", Optional.empty())));
  }
}
