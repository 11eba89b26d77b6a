package io.llmxds.cp.publish;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;
import static io.llmxds.cp.testing.AdsTestClient.SDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.cp.translate.EnvoyResources;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TypeVersionsTest {

  @Test
  void theSameContentBuiltTwiceHasTheSameVersions() {
    assertThat(TypeVersions.of(TestResources.withRouteTimeout(30)))
        .isEqualTo(TypeVersions.of(TestResources.withRouteTimeout(30)));
  }

  @Test
  void everyTypeHasAVersionInXdsOrder() {
    Map<String, String> versions = TypeVersions.of(TestResources.withRouteTimeout(30));

    assertThat(versions.keySet()).containsExactly(CDS, EDS, LDS, RDS, SDS);
    assertThat(versions.values()).allMatch(v -> v.matches("[0-9a-f]{16}")).doesNotHaveDuplicates();
  }

  @Test
  void resourceOrderDoesNotMatter() {
    Cluster a = Cluster.newBuilder().setName("a").build();
    Cluster b = Cluster.newBuilder().setName("b").build();

    assertThat(TypeVersions.of(clusters(a, b))).isEqualTo(TypeVersions.of(clusters(b, a)));
  }

  @Test
  void changingOneTypeChangesOnlyItsVersion() {
    Map<String, String> before = TypeVersions.of(TestResources.withRouteTimeout(30));
    Map<String, String> after = TypeVersions.of(TestResources.withRouteTimeout(31));

    assertThat(after.get(RDS)).isNotEqualTo(before.get(RDS));
    assertThat(after).containsAllEntriesOf(withoutKey(before, RDS));
  }

  @Test
  void renamingAResourceChangesTheVersion() {
    Cluster a = Cluster.newBuilder().setName("a").build();
    Cluster renamed = Cluster.newBuilder().setName("b").build();

    assertThat(TypeVersions.of(clusters(a)).get(CDS)).isNotEqualTo(TypeVersions.of(clusters(renamed)).get(CDS));
  }

  @Test
  void theVersionIsAFixedFunctionOfTheContent() {
    // SHA-256 of (len "a", "a", len bytes, bytes), first 8 bytes. Pinned: changing the hash input would re-push
    // every proxy after an upgrade.
    assertThat(TypeVersions.of(clusters(Cluster.newBuilder().setName("a").build())).get(CDS))
        .isEqualTo("9eaec3a9dc2a679c");
  }

  private static EnvoyResources clusters(Cluster... clusters) {
    return new EnvoyResources(List.of(clusters), List.of(), List.of(), List.of(), List.of());
  }

  private static Map<String, String> withoutKey(Map<String, String> map, String key) {
    return map.entrySet().stream()
        .filter(e -> !e.getKey().equals(key))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
