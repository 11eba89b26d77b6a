package io.llmxds.cp.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;

class IdentityCachingSerializerTest {
  private final IdentityCachingSerializer serializer = new IdentityCachingSerializer();

  @Test
  void aResourceIsPackedOnceForEveryStream() {
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("edge").build();

    Any first = serializer.serialize(routes, ApiVersion.V3);

    assertThat(serializer.serialize(routes, ApiVersion.V3)).isSameAs(first);
    assertThat(first.getTypeUrl()).endsWith("envoy.config.route.v3.RouteConfiguration");
  }

  @Test
  void anEqualResourceOfALaterSnapshotIsItsOwnEntryAndPacksTheSame() {
    RouteConfiguration old = RouteConfiguration.newBuilder().setName("edge").build();
    RouteConfiguration reverted = RouteConfiguration.newBuilder().setName("edge").build();

    Any oldPacked = serializer.serialize(old, ApiVersion.V3);
    Any revertedPacked = serializer.serialize(reverted, ApiVersion.V3);

    // Keyed by identity: no deep comparison with the old instance, and the same bytes.
    assertThat(revertedPacked).isNotSameAs(oldPacked).isEqualTo(oldPacked);
  }
}
