package io.llmxds.cp.policy;

import io.llmxds.cp.policy.Consumer.ApiKey;
import io.llmxds.cp.policy.Gateway.SocketAddress;
import io.llmxds.cp.policy.ModelRoute.Backend;
import io.llmxds.cp.policy.Provider.Credentials;
import io.llmxds.cp.policy.RateLimit.Bucket;
import io.llmxds.cp.policy.RateLimit.BudgetUnit;
import io.llmxds.cp.policy.RateLimit.ConsumerRules;
import io.llmxds.cp.policy.RateLimit.Global;
import io.llmxds.cp.policy.RateLimit.Limit;
import io.llmxds.cp.policy.RateLimit.Rules;
import io.llmxds.cp.policy.RateLimit.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a reload changed, in a few words per document ({@code ModelRoute/chat weights mock-a 90→0, mock-b 10→100}),
 * for the reload span and the audit log: an operator sees what a reload did without diffing YAML. Fields are named as
 * in the YAML. Secrets are compared by fingerprint and neither they nor their fingerprints are ever printed.
 */
public final class BundleDiff {

  /** Callers join all entries into one attribute: one long document must not drown the others. */
  static final int MAX_ENTRY_LENGTH = 200;

  private static final String NONE = "(none)";
  private static final String RPM = " rpm";

  private static final List<Aspect<SocketAddress>> ADDRESS = List.of(
      field("address", SocketAddress::host),
      field("port", SocketAddress::port));

  /** Every kind of document, in kind order, with what to compare between two versions of one document. */
  private static final List<DocumentKind<?>> KINDS = List.of(
      new DocumentKind<>("Consumer", PolicyBundle::consumers, Consumer::name, List.of(
          field("tier", Consumer::tier),
          field("modelRoutes", (Consumer c) -> c.modelRoutes().map(BundleDiff::render).orElse("(all)")),
          grouped("labels", keyed((Consumer c) -> List.copyOf(c.labels().entrySet()), Map.Entry::getKey,
              Map.Entry::getValue)),
          // by name and file: a key's contents (or hash) never appear, only that it was rotated
          each("apiKey", keyed(Consumer::apiKeys, ApiKey::name, ApiKey::file)),
          BundleDiff::keyRotations)),
      new DocumentKind<>("ContextPolicy", PolicyBundle::contextPolicies, ContextPolicy::name, List.of(
          field("sessionHeader", ContextPolicy::sessionHeader),
          field("userHeader", ContextPolicy::userHeader),
          field("schema", (ContextPolicy c) -> c.schema().wire()),
          field("mode", (ContextPolicy c) -> c.mode().wire()),
          field("maxTurns", ContextPolicy::maxTurns),
          field("maxInjectedChars", ContextPolicy::maxInjectedChars),
          field("store", ContextPolicy::store),
          field("failureMode", (ContextPolicy c) -> c.failureMode().wire()),
          field("migrateFrom", (ContextPolicy c) -> c.migrateFrom().map(m -> m.store() + " " + m.schema().wire())))),
      new DocumentKind<>("ContextStore", PolicyBundle::contextStores, ContextStore::name, List.of(
          field("type", (ContextStore s) -> s.type().wire()),
          field("addresses", ContextStore::addresses),
          field("database", ContextStore::database),
          field("tls", (ContextStore s) -> s.tls().map(t -> "sni " + t.sni()
              + t.ca().map(c -> ", caFile " + c.file()).orElse(""))),
          field("username", ContextStore::username),
          field("passwordFile", (ContextStore s) -> s.password().map(ContextStore.Password::file)),
          BundleDiff::passwordRotation,
          field("connectTimeout", ContextStore::connectTimeout),
          field("commandTimeout", ContextStore::commandTimeout),
          field("poolSize", ContextStore::poolSize))),
      new DocumentKind<>("Gateway", (PolicyBundle b) -> List.of(b.gateway()), Gateway::name, List.of(
          nested("listener", Gateway::listener, ADDRESS),
          nested("extProc", (Gateway g) -> g.extProc().address(), ADDRESS),
          field("extProc messageTimeout", (Gateway g) -> g.extProc().messageTimeout()),
          field("extProc failOpen", (Gateway g) -> g.extProc().failOpen()),
          field("extProc tls", (Gateway g) -> g.extProc().tls()),
          field("requestBufferLimit", (Gateway g) -> Values.bytes(g.requestBufferLimitBytes())),
          field("requestTimeout", Gateway::requestTimeout),
          field("streamIdleTimeout", Gateway::streamIdleTimeout),
          field("contextPolicy", Gateway::contextPolicy))),
      new DocumentKind<>("ModelRoute", PolicyBundle::modelRoutes, ModelRoute::name, List.of(
          grouped("models", members(ModelRoute::models)),
          grouped("weights", keyed(ModelRoute::backends, Backend::provider, (Backend b) -> Integer.toString(b.weight()))),
          BundleDiff::backendModels,
          field("fallbacks", ModelRoute::fallbacks),
          field("retry attempts", (ModelRoute r) -> r.retry().attempts()),
          grouped("retry retryOn", members((ModelRoute r) -> r.retry().retryOn())),
          grouped("retry statusCodes", members((ModelRoute r) -> r.retry().statusCodes())),
          field("retry perTryTimeout", (ModelRoute r) -> r.retry().perTryTimeout()),
          field("timeout", ModelRoute::timeout),
          field("contextPolicy", ModelRoute::contextPolicy))),
      new DocumentKind<>("Provider", PolicyBundle::providers, Provider::name, List.of(
          field("baseUrl", BundleDiff::baseUrl),
          field("api", (Provider p) -> p.api().wire()),
          // as written in the YAML: unset means "the baseUrl's host", which the baseUrl already shows
          field("sni", (Provider p) -> p.sni().equals(p.host()) ? "" : p.sni()),
          field("connectTimeout", Provider::connectTimeout),
          field("loadBalancing", (Provider p) -> p.loadBalancing().wire()),
          optional("credentials", Provider::credentials, List.of(
              field("header", Credentials::header),
              field("prefix", (Credentials c) -> '"' + c.prefix() + '"'),
              field("secretFile", Credentials::secretFile))),
          BundleDiff::credentialRotation)),
      new DocumentKind<>("RateLimit", PolicyBundle::rateLimits, RateLimit::name, List.of(
          grouped("modelRoutes", members(RateLimit::modelRoutes)),
          field("", (RateLimit l) -> l.limit().flatMap(Rules::requests)),
          field("tokens", (RateLimit l) -> l.limit().map(r -> r.tokens().stream().map(BundleDiff::tokens).toList())
              .filter(t -> !t.isEmpty())),
          field("budget", (RateLimit l) -> l.limit().map(r -> r.budgets().stream().map(BundleDiff::budget).toList())
              .filter(b -> !b.isEmpty())),
          field("bucket", (RateLimit l) -> l.limit().map(r -> r.bucket().wire())),
          each("tier", keyed(RateLimit::tiers, Tier::value, (Tier t) -> t.limit().map(BundleDiff::rules)
              .orElse("unlimited"))),
          each("consumer", keyed(RateLimit::consumers, ConsumerRules::consumer,
              (ConsumerRules c) -> c.limit().map(BundleDiff::rules).orElse("unlimited"))),
          field("scope", (RateLimit l) -> l.isGlobal() ? "global" : "local"),
          field("store", (RateLimit l) -> l.global().map(Global::store)),
          field("enforce", (RateLimit l) -> l.global().map(Global::enforce)),
          field("failureMode", (RateLimit l) -> l.global().map(g -> g.failureMode().wire())),
          field("prices", (RateLimit l) -> l.global().map(g -> g.prices().entrySet().stream()
              .map(p -> p.getKey() + " $" + p.getValue().inputPerMillion().toPlainString() + "/$"
                  + p.getValue().outputPerMillion().toPlainString() + " per 1M").toList())
              .filter(p -> !p.isEmpty())))));

  private BundleDiff() {}

  /** What changed from {@code before} to {@code after}, one entry per changed document, in kind then name order. */
  public static List<String> summarize(PolicyBundle before, PolicyBundle after) {
    return KINDS.stream().flatMap(kind -> kind.summarize(before, after)).map(BundleDiff::capped).toList();
  }

  /** One comparable part of a document: the phrases saying how it changed, none when it did not. */
  @FunctionalInterface
  private interface Aspect<T> {
    List<String> changes(T before, T after);
  }

  /** A change to one member of a keyed list (a backend, a tier): {@code sign} is "+" (added), "-" or "". */
  private record MemberChange(String sign, String key, String detail) {
    String phrase() {
      return sign + body();
    }

    String body() {
      return detail.isEmpty() ? key : key + " " + detail;
    }
  }

  @FunctionalInterface
  private interface MemberDiff<T> {
    List<MemberChange> changes(T before, T after);
  }

  private record DocumentKind<T>(
      String kind, Function<PolicyBundle, List<T>> documents, Function<T, String> name, List<Aspect<T>> aspects) {

    Stream<String> summarize(PolicyBundle before, PolicyBundle after) {
      Map<String, T> old = byName(documents.apply(before));
      Map<String, T> now = byName(documents.apply(after));
      SortedSet<String> names = new TreeSet<>(old.keySet());
      names.addAll(now.keySet());
      return names.stream().flatMap(n -> entry(n, old.get(n), now.get(n)).stream());
    }

    private Optional<String> entry(String documentName, T before, T after) {
      String id = kind + "/" + documentName;
      if (before == null || after == null) {
        return Optional.of((before == null ? "+" : "-") + id);
      }
      List<String> changes = changesOf(aspects, before, after);
      return changes.isEmpty() ? Optional.empty() : Optional.of(id + " " + String.join(", ", changes));
    }

    private Map<String, T> byName(List<T> list) {
      Map<String, T> map = new LinkedHashMap<>();
      list.forEach(document -> map.putIfAbsent(name.apply(document), document));
      return map;
    }
  }

  private static <T> List<String> changesOf(List<Aspect<T>> aspects, T before, T after) {
    return aspects.stream().flatMap(a -> a.changes(before, after).stream()).toList();
  }

  /** A value compared as a whole: {@code name before→after}. */
  private static <T> Aspect<T> field(String name, Function<T, ?> value) {
    return (before, after) -> {
      Object a = value.apply(before);
      Object b = value.apply(after);
      if (Objects.equals(a, b)) {
        return List.of();
      }
      String transition = arrow(render(a), render(b));
      return List.of(name.isEmpty() ? transition : name + " " + transition);
    };
  }

  /** The aspects of a part of the document, each phrase prefixed with the part's name. */
  private static <T, P> Aspect<T> nested(String name, Function<T, P> part, List<Aspect<P>> aspects) {
    return (before, after) -> prefixed(name, changesOf(aspects, part.apply(before), part.apply(after)));
  }

  /** Like {@link #nested} for a part that may be absent: its appearing or going is one change. */
  private static <T, P> Aspect<T> optional(String name, Function<T, Optional<P>> part, List<Aspect<P>> aspects) {
    return (before, after) -> {
      Optional<P> a = part.apply(before);
      Optional<P> b = part.apply(after);
      if (a.isPresent() != b.isPresent()) {
        return List.of((a.isEmpty() ? "+" : "-") + name);
      }
      return a.isEmpty() ? List.of() : prefixed(name, changesOf(aspects, a.get(), b.get()));
    };
  }

  private static List<String> prefixed(String name, List<String> changes) {
    return changes.stream().map(change -> name + " " + change).toList();
  }

  /** All member changes as one phrase: {@code weights mock-a 90→0, +mock-c 5}. */
  private static <T> Aspect<T> grouped(String label, MemberDiff<T> members) {
    return (before, after) -> {
      List<MemberChange> changes = members.changes(before, after);
      return changes.isEmpty() ? List.of()
          : List.of(label + " " + changes.stream().map(MemberChange::phrase).collect(Collectors.joining(", ")));
    };
  }

  /** One phrase per member change: {@code tier gold 1000→2000 rpm}, {@code +tier silver 50 rpm}. */
  private static <T> Aspect<T> each(String label, MemberDiff<T> members) {
    return (before, after) -> members.changes(before, after).stream()
        .map(c -> c.sign() + label + " " + c.body())
        .toList();
  }

  /** Members of a list identified by a key, in key order: changed {@code key a→b}, added {@code +key v}, {@code -key}. */
  private static <T, M> MemberDiff<T> keyed(
      Function<T, List<M>> list, Function<M, String> key, Function<M, String> value) {
    return (before, after) -> {
      Map<String, String> old = values(list.apply(before), key, value);
      Map<String, String> now = values(list.apply(after), key, value);
      SortedSet<String> keys = new TreeSet<>(old.keySet());
      keys.addAll(now.keySet());
      List<MemberChange> changes = new ArrayList<>();
      for (String k : keys) {
        String a = old.get(k);
        String b = now.get(k);
        if (a == null) {
          changes.add(new MemberChange("+", k, b));
        } else if (b == null) {
          changes.add(new MemberChange("-", k, ""));
        } else if (!a.equals(b)) {
          changes.add(new MemberChange("", k, arrow(a, b)));
        }
      }
      return changes;
    };
  }

  /** A list read as a set: {@code +gpt-4o-2, -chat}. */
  private static <T, M> MemberDiff<T> members(Function<T, List<M>> list) {
    return keyed(list, BundleDiff::render, member -> "");
  }

  private static <M> Map<String, String> values(List<M> list, Function<M, String> key, Function<M, String> value) {
    Map<String, String> map = new LinkedHashMap<>();
    list.forEach(member -> map.putIfAbsent(key.apply(member), value.apply(member)));
    return map;
  }

  /** Backends added or removed show under weights; this is the model override of a backend that stayed. */
  private static List<String> backendModels(ModelRoute before, ModelRoute after) {
    return keyed(ModelRoute::backends, Backend::provider, (Backend b) -> b.model().orElse(NONE))
        .changes(before, after).stream()
        .filter(c -> c.sign().isEmpty())
        .map(c -> "backend " + c.key() + " model " + c.detail())
        .toList();
  }

  private static List<String> credentialRotation(Provider before, Provider after) {
    return rotation("credential", before.credentials().map(Credentials::secret),
        after.credentials().map(Credentials::secret));
  }

  /** A key kept under its name whose contents changed. */
  private static List<String> keyRotations(Consumer before, Consumer after) {
    Map<String, SecretValue> old = new LinkedHashMap<>();
    before.apiKeys().forEach(k -> old.put(k.name(), k.hash()));
    return after.apiKeys().stream()
        .filter(k -> old.containsKey(k.name()))
        .flatMap(k -> rotation("apiKey " + k.name(), Optional.of(old.get(k.name())), Optional.of(k.hash())).stream())
        .toList();
  }

  private static List<String> passwordRotation(ContextStore before, ContextStore after) {
    return rotation("password", before.password().map(ContextStore.Password::value),
        after.password().map(ContextStore.Password::value));
  }

  /** Says that a secret changed without printing it or its fingerprint (a fingerprint identifies a known key). */
  private static List<String> rotation(String what, Optional<SecretValue> before, Optional<SecretValue> after) {
    Optional<String> a = before.map(SecretValue::fingerprint);
    Optional<String> b = after.map(SecretValue::fingerprint);
    return a.isPresent() && b.isPresent() && !a.equals(b) ? List.of(what + " rotated") : List.of();
  }

  private static String baseUrl(Provider p) {
    String host = p.host().contains(":") ? "[" + p.host() + "]" : p.host();
    boolean defaultPort = p.port() == (p.tls() ? 443 : 80);
    return (p.tls() ? "https://" : "http://") + host + (defaultPort ? "" : ":" + p.port()) + p.pathPrefix();
  }

  /** Per minute when that is exact ({@code 100/1m} → {@code 100 rpm}), else as written ({@code 10/30s}). */
  private static String limit(Limit limit) {
    Duration per = limit.per();
    long minutes = per.toMinutes();
    boolean wholeMinutes = per.equals(Duration.ofMinutes(minutes)) && minutes >= 1 && minutes <= 60;
    if (wholeMinutes && limit.requests() % minutes == 0) {
      return limit.requests() / minutes + RPM;
    }
    return limit.requests() + "/" + Durations.format(per);
  }

  /** A rules block in one line: {@code 100 rpm, 50000 tokens/1m, $5/day}. */
  private static String rules(Rules rules) {
    List<String> parts = new ArrayList<>();
    rules.requests().ifPresent(l -> parts.add(limit(l)));
    rules.tokens().forEach(t -> parts.add(tokens(t)));
    rules.budgets().forEach(b -> parts.add(budget(b)));
    if (rules.bucket() == Bucket.SHARED) {
      parts.add("shared");
    }
    return String.join(", ", parts);
  }

  private static String tokens(RateLimit.TokenLimit limit) {
    return limit.tokens() + " " + limit.kind().unit().replace('_', ' ') + "/" + Durations.format(limit.per());
  }

  private static String budget(RateLimit.Budget budget) {
    return (budget.unit() == BudgetUnit.USD ? "$" + budget.amount().toPlainString()
        : budget.amount().toPlainString() + " tokens") + "/" + budget.window().wire();
  }

  /** {@code a→b}, with a shared unit said once: {@code 100→200 rpm}. */
  private static String arrow(String before, String after) {
    if (before.endsWith(RPM) && after.endsWith(RPM)) {
      return before.substring(0, before.length() - RPM.length()) + "→" + after;
    }
    return before + "→" + after;
  }

  private static String render(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(BundleDiff::render).orElse(NONE);
    }
    if (value instanceof Duration duration) {
      return Durations.format(duration);
    }
    if (value instanceof Limit limit) {
      return limit(limit);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(BundleDiff::render).collect(Collectors.joining(", ", "[", "]"));
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? NONE : text;
  }

  private static String capped(String entry) {
    if (entry.length() <= MAX_ENTRY_LENGTH) {
      return entry;
    }
    int end = MAX_ENTRY_LENGTH - 1;
    if (Character.isHighSurrogate(entry.charAt(end - 1))) {
      end--;
    }
    return entry.substring(0, end) + "…";
  }
}
