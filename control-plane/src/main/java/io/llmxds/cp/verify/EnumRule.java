package io.llmxds.cp.verify;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import io.envoyproxy.pgv.validate.Validate.EnumRules;

/**
 * The enum rules: const, defined_only, in, not_in (by number). An open (proto3) enum holds any number; reflection
 * gives a number the enum does not define a descriptor with index -1.
 */
record EnumRule(String name, EnumRules rules) implements ValueRule {

  @Override
  public void check(Object value, Findings findings) {
    EnumValueDescriptor e = (EnumValueDescriptor) value;
    if (rules.hasConst() && e.getNumber() != rules.getConst()) {
      findings.add(name + " {const: " + rules.getConst() + "}", e);
    }
    if (rules.getDefinedOnly() && e.getIndex() < 0) {
      findings.add(name + " {defined_only: true}", e);
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(e.getNumber())) {
      findings.add(name + " {in: " + rules.getInList() + "}", e);
    }
    if (rules.getNotInList().contains(e.getNumber())) {
      findings.add(name + " {not_in: " + rules.getNotInList() + "}", e);
    }
  }
}
