package io.llmxds.cp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the change summary says of Consumers: names, tiers, routes, labels, key names — never a key or a hash. */
class ConsumerDiffTest {

  @TempDir Path tmp;

  @Test
  void namesWhatChangedOfAConsumer() {
    Path dir = PolicyDirs.copy(ConsumerPolicyTest.CONSUMERS, tmp.resolve("p"));
    PolicyBundle before = TestPolicies.loaded(dir).bundle();
    PolicyDirs.edit(dir.resolve("policies.yaml"), "  tier: gold\n  modelRoutes: [chat]\n  labels:\n    team: search\n",
        "  modelRoutes: [chat, embed]\n  labels:\n    team: ranking\n    cost-center: cc-7\n");
    PolicyBundle after = TestPolicies.loaded(dir).bundle();

    assertThat(BundleDiff.summarize(before, after)).containsExactly(
        "Consumer/alice tier gold→default, modelRoutes [chat]→[chat, embed], labels +cost-center cc-7, team search→ranking");
  }

  @Test
  void addingAndRemovingAConsumerNamesIt() {
    Path dir = PolicyDirs.copy(ConsumerPolicyTest.CONSUMERS, tmp.resolve("p"));
    PolicyBundle before = TestPolicies.loaded(dir).bundle();
    PolicyDirs.edit(dir.resolve("policies.yaml"), "  name: bob\n", "  name: dave\n");
    PolicyBundle after = TestPolicies.loaded(dir).bundle();

    List<String> summary = BundleDiff.summarize(before, after);
    assertThat(summary).containsExactly("-Consumer/bob", "+Consumer/dave");
  }
}
