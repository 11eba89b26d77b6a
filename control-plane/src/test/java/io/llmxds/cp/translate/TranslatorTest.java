package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmxds.cp.verify.ReferenceCheck;
import org.junit.jupiter.api.Test;

class TranslatorTest {

  @Test
  void isDeterministic() {
    EnvoyResources first = Translator.translate(Bundles.example());
    EnvoyResources second = Translator.translate(Bundles.example());
    assertThat(second).isEqualTo(first);
    assertThat(ResourceYaml.render(second.routes())).isEqualTo(ResourceYaml.render(first.routes()));
  }

  @Test
  void producesOneListenerAndOneRouteConfigurationNamedAfterTheGateway() {
    EnvoyResources resources = Translator.translate(Bundles.example());
    assertThat(resources.listeners()).singleElement().satisfies(l -> assertThat(l.getName()).isEqualTo("edge"));
    assertThat(resources.routes()).singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo("edge"));
  }

  @Test
  void theExampleIsConsistent() {
    assertThat(ReferenceCheck.check(Translator.translate(Bundles.example()))).isEmpty();
  }
}
