package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Consumer kind as the loader reads it: defaults, keys as salted hashes, and nothing of a key in any text. */
class ConsumerPolicyTest {

  static final Path CONSUMERS = Path.of("src/test/resources/golden/in/consumers");
  private static final String ALICE_Q1 = "sk-golden-alice-Zr81";
  private static final String CAROL = "sk-golden-carol-7Qm2";

  @TempDir Path tmp;

  @Test
  void readsTierRoutesLabelsAndKeys() {
    PolicyBundle bundle = TestPolicies.loaded(CONSUMERS).bundle();
    assertThat(bundle.consumers()).extracting(Consumer::name).containsExactly("alice", "bob", "carol");
    Consumer alice = bundle.consumers().get(0);
    assertThat(alice.tier()).isEqualTo("gold");
    assertThat(alice.modelRoutes()).contains(List.of("chat"));
    assertThat(alice.labels()).as("sorted by name").containsExactly(Map.entry("org", "acme"), Map.entry("team", "search"));
    assertThat(alice.apiKeys()).extracting(Consumer.ApiKey::name).containsExactly("2026-q1", "2026-q2");
    assertThat(alice.apiKeys().get(0).file()).isEqualTo("keys/alice-2026-q1");
    Consumer bob = bundle.consumers().get(1);
    assertThat(bob.tier()).as("no tier: the default").isEqualTo("default");
    assertThat(bob.modelRoutes()).as("no modelRoutes: every route").isEmpty();
    assertThat(bob.labels()).isEmpty();
    assertThat(bundle.authenticates()).isTrue();
  }

  @Test
  void aKeyInPlainTextIsServedAsAHashWithASaltFixedByConsumerAndKeyName() {
    Consumer.ApiKey q1 = TestPolicies.loaded(CONSUMERS).bundle().consumers().get(0).apiKeys().get(0);
    String hash = q1.hash().reveal();
    assertThat(hash).matches("sha256\\$[0-9a-f]{32}\\$[0-9a-f]{64}");
    assertThat(ApiKeyHashes.matches(hash, ALICE_Q1)).isTrue();
    assertThat(ApiKeyHashes.matches(hash, ALICE_Q1 + "x")).isFalse();
    assertThat(hash).isEqualTo(ApiKeyHashes.derived("alice", "2026-q1", ALICE_Q1))
        .isNotEqualTo(ApiKeyHashes.derived("alice", "2026-q2", ALICE_Q1))
        .isNotEqualTo(ApiKeyHashes.derived("bob", "2026-q1", ALICE_Q1));
    assertThat(q1.plaintext().map(SecretValue::reveal)).contains(ALICE_Q1);
    assertThat(ConfigVersion.of(TestPolicies.loaded(CONSUMERS).bundle()))
        .as("the same files give the same config")
        .isEqualTo(ConfigVersion.of(TestPolicies.loaded(CONSUMERS).bundle()));
  }

  @Test
  void aStoredHashIsServedAsItIs() {
    Consumer.ApiKey carol = TestPolicies.loaded(CONSUMERS).bundle().consumers().get(2).apiKeys().get(0);
    assertThat(carol.hash().reveal()).startsWith("sha256$0123456789abcdef0123456789abcdef$");
    assertThat(carol.plaintext()).isEmpty();
    assertThat(ApiKeyHashes.matches(carol.hash().reveal(), CAROL)).isTrue();
  }

  @Test
  void aRandomHashMatchesItsKeyAndNoOther() {
    String a = ApiKeyHashes.random(CAROL);
    assertThat(ApiKeyHashes.isHash(a)).isTrue();
    assertThat(ApiKeyHashes.matches(a, CAROL)).isTrue();
    assertThat(ApiKeyHashes.matches(a, ALICE_Q1)).isFalse();
    assertThat(ApiKeyHashes.random(CAROL)).as("a fresh salt each time").isNotEqualTo(a);
  }

  @Test
  void noTextOfALoadedBundleShowsAKeyOrItsHash() {
    LoadResult.Loaded loaded = TestPolicies.loaded(CONSUMERS);
    for (Consumer consumer : loaded.bundle().consumers()) {
      for (Consumer.ApiKey key : consumer.apiKeys()) {
        String digest = key.hash().reveal().substring(key.hash().reveal().lastIndexOf('$') + 1);
        for (String text : List.of(loaded.toString(), consumer.toString(), key.toString(),
            ConfigVersion.of(loaded.bundle()))) {
          assertThat(text).doesNotContain(digest);
          key.plaintext().ifPresent(k -> assertThat(text).doesNotContain(k.reveal()));
        }
      }
    }
  }

  @Test
  void aRejectedConsumerNeverShowsItsKey() {
    Path dir = PolicyDirs.copy(CONSUMERS, tmp.resolve("p"));
    PolicyDirs.edit(dir.resolve("policies.yaml"), "    - name: main\n      file: keys/bob\n",
        "    - name: main\n      file: keys/bob\n      key: sk-pasted-Lq03\n");
    PolicyDirs.edit(dir.resolve("keys/alice-2026-q2"), "sk-golden-alice-Hk40", "sk-golden alice-Hk40");
    List<String> errors = TestPolicies.rejected(dir);
    assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e)
        .doesNotContain("sk-pasted-Lq03").doesNotContain("alice-Hk40").doesNotContain("sk-golden"));
  }

  @Test
  void aDirectoryWithoutConsumersIsAnonymous() {
    PolicyBundle bundle = TestPolicies.loaded(TestPolicies.EXAMPLES).bundle();
    assertThat(bundle.consumers()).isEmpty();
    assertThat(bundle.authenticates()).isFalse();
  }
}
