package io.llmxds.cp.verify.load;

import java.util.List;
import java.util.function.Function;

/**
 * A load-time rule that judges each item of one kind on its own (each cluster, each ext_proc filter config, each
 * route, ...): where the items are comes from {@link LoadedConfig}, what is wrong with one from the rule's check.
 * Every rule of llm-xds is one of these, declared as a constant with its citation next to what it mirrors.
 */
final class Each<T> implements LoadTimeRule {

  /** Judges one item and reports what is wrong with it, at a path inside it. */
  interface Check<T> {
    void check(T item, Report report);
  }

  /** Where a check reports. */
  interface Report {
    /** A problem at {@code inside} (a path from the item, {@link Where#root()} for the item itself). */
    void at(Where inside, String reason);

    /** As {@link #at}, citing other lines than the rule's (a parser's message comes from where it fails). */
    void cited(Where inside, String reason, String citation);
  }

  /** What the finding says Envoy does: rejects it (null), or what llm-xds's own rule says it does instead. */
  private final String envoyDoes;
  private final String citation;
  private final Function<LoadedConfig, List<Located<T>>> items;
  private final Check<T> check;

  private Each(String citation, String envoyDoes, Function<LoadedConfig, List<Located<T>>> items, Check<T> check) {
    this.citation = citation;
    this.envoyDoes = envoyDoes;
    this.items = items;
    this.check = check;
  }

  /** A check Envoy makes: a finding is a NACK. */
  static <T> Each<T> rejects(String citation, Function<LoadedConfig, List<Located<T>>> items, Check<T> check) {
    return new Each<>(citation, null, items, check);
  }

  /** llm-xds's rule against what Envoy accepts and silently ignores (dead config); the citation is where. */
  static <T> Each<T> ignored(String citation, Function<LoadedConfig, List<Located<T>>> items, Check<T> check) {
    return new Each<>(citation, LoadProblems.IGNORES, items, check);
  }

  /** llm-xds's rule for another reason: {@code envoyDoes} says what Envoy would do instead. */
  static <T> Each<T> own(String citation, String envoyDoes, Function<LoadedConfig, List<Located<T>>> items,
      Check<T> check) {
    return new Each<>(citation, envoyDoes, items, check);
  }

  /** A check that reports {@code reason}'s text at the item itself when it is not null. */
  static <T> Check<T> reason(Function<T, String> reason) {
    return reasonAt(Where.root(), reason);
  }

  /** A check that reports {@code reason}'s text at {@code inside} when it is not null. */
  static <T> Check<T> reasonAt(Where inside, Function<T, String> reason) {
    return (item, report) -> {
      String found = reason.apply(item);
      if (found != null) {
        report.at(inside, found);
      }
    };
  }

  @Override
  public String citation() {
    return citation;
  }

  @Override
  public void check(LoadedConfig config, LoadProblems problems) {
    for (Located<T> item : items.apply(config)) {
      check.check(item.item(), new Report() {
        @Override
        public void at(Where inside, String reason) {
          cited(inside, reason, citation);
        }

        @Override
        public void cited(Where inside, String reason, String cites) {
          problems.add(item.resource(), item.where().append(inside), reason, envoyDoes, cites);
        }
      });
    }
  }
}
