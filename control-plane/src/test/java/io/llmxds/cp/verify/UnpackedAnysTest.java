package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import org.junit.jupiter.api.Test;

class UnpackedAnysTest {

  @Test
  void parsesEachAnyOnceAndTellsEqualAnysApart() {
    UnpackedAnys anys = new UnpackedAnys();
    Any router = Any.pack(Router.newBuilder().setSuppressEnvoyHeaders(true).build());
    Any equalCopy = Any.pack(Router.newBuilder().setSuppressEnvoyHeaders(true).build());

    assertThat(anys.unpack(router).orElseThrow()).isSameAs(anys.unpack(router).orElseThrow());
    assertThat(anys.unpack(equalCopy).orElseThrow()).isNotSameAs(anys.unpack(router).orElseThrow())
        .isEqualTo(anys.unpack(router).orElseThrow());
  }

  @Test
  void aValueThatDoesNotParseThrowsEveryTime() {
    UnpackedAnys anys = new UnpackedAnys();
    Any broken = Any.newBuilder().setTypeUrl(Any.pack(Router.getDefaultInstance()).getTypeUrl())
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff})).build();

    assertThatThrownBy(() -> anys.unpack(broken)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> anys.unpack(broken)).isInstanceOf(IllegalArgumentException.class);
  }
}
