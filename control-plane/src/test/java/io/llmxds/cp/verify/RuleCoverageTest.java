package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Translator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checker leaves out the well-known string/bytes formats (email, hostname, ip, uri, address, uuid): this proves no
 * Envoy type the translation can emit uses them, over every proto file those types import. If an upgrade of the API
 * jar brings one in, this fails and says where.
 */
class RuleCoverageTest {

  @Test
  void noTypeTheTranslationEmitsUsesARuleTheCheckerLeavesOut() {
    List<String> leftOut = new ArrayList<>();
    int ruled = 0;
    for (Descriptor type : reachableTypes()) {
      for (FieldDescriptor field : type.getFields()) {
        if (field.getOptions().hasExtension(Validate.rules)) {
          ruled++;
          collectLeftOut(field.getFullName(), field.getOptions().getExtension(Validate.rules), leftOut);
        }
      }
    }
    assertThat(leftOut).isEmpty();
    assertThat(ruled).as("rule-bearing fields looked at").isGreaterThan(300);
  }

  private static void collectLeftOut(String where, FieldRules rules, List<String> leftOut) {
    if (rules.hasString() && !rules.getString().hasWellKnownRegex()
        && rules.getString().getWellKnownCase() != Validate.StringRules.WellKnownCase.WELLKNOWN_NOT_SET) {
      leftOut.add(where + ": string " + rules.getString().getWellKnownCase());
    }
    if (rules.hasBytes()
        && rules.getBytes().getWellKnownCase() != Validate.BytesRules.WellKnownCase.WELLKNOWN_NOT_SET) {
      leftOut.add(where + ": bytes " + rules.getBytes().getWellKnownCase());
    }
    if (rules.hasRepeated()) {
      collectLeftOut(where + "[]", rules.getRepeated().getItems(), leftOut);
    }
    if (rules.hasMap()) {
      collectLeftOut(where + "{key}", rules.getMap().getKeys(), leftOut);
      collectLeftOut(where + "{value}", rules.getMap().getValues(), leftOut);
    }
  }

  /** Every message type in the files (and their imports) of every message in the translated example. */
  private static Set<Descriptor> reachableTypes() {
    EnvoyResources example = Translator.translate(Bundles.example());
    Deque<FileDescriptor> files = new ArrayDeque<>();
    Stream.of(example.clusters(), example.endpoints(), example.listeners(), example.routes(), example.secrets())
        .flatMap(List::stream)
        .flatMap(r -> MessageTree.of((Message) r).stream())
        .forEach(m -> files.add(m.getDescriptorForType().getFile()));
    Set<FileDescriptor> seen = new HashSet<>();
    Set<Descriptor> types = new HashSet<>();
    while (!files.isEmpty()) {
      FileDescriptor file = files.pop();
      if (seen.add(file)) {
        files.addAll(file.getDependencies());
        file.getMessageTypes().forEach(t -> addWithNested(t, types));
      }
    }
    return types;
  }

  private static void addWithNested(Descriptor type, Set<Descriptor> types) {
    types.add(type);
    type.getNestedTypes().forEach(n -> addWithNested(n, types));
  }
}
