package io.llmxds.cp.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EtcdTargetTest {

  @Test
  void theUrlNamesHostPortAndAPrefixEndingInASlash() {
    assertThat(EtcdTarget.parse("etcd://10.0.0.5:2390/llm-xds/prod/"))
        .isEqualTo(new EtcdTarget("10.0.0.5", 2390, "/llm-xds/prod/"));
    assertThat(EtcdTarget.parse("etcd://etcd.internal/llm-xds").url()).isEqualTo("etcd://etcd.internal:2379/llm-xds/");
  }

  @Test
  void badUrlsSayWhatIsExpected() {
    assertThatThrownBy(() -> EtcdTarget.parse("http://h:2379/p")).hasMessageContaining("etcd://host:port/prefix");
    assertThatThrownBy(() -> EtcdTarget.parse("etcd://h:2379")).hasMessageContaining("say which key prefix");
    assertThatThrownBy(() -> EtcdTarget.parse("etcd://root:pw@h:2379/p")).hasMessageContaining("from files");
  }
}
