package io.llmxds.filters.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.llmxds.filters.config.Candidate.Missing;
import io.llmxds.filters.config.StoreClusters.Declared;
import io.llmxds.filters.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the responses of one ADS stream into applied snapshots and into the ACK or NACK each response gets
 * (docs/data-path-config.md "One snapshot, applied whole"):
 * <ul>
 *   <li>a response that does not decode is NACKed at once;</li>
 *   <li>the newest response of each type, with the applied ones of the other types, is applied as one snapshot when
 *       nothing is missing, and every response in it is ACKed then; a resent config that equals the applied one is
 *       ACKed without a switch;</li>
 *   <li>stores that cannot be opened NACK the CDS response (else the SDS one) with the store's error;</li>
 *   <li>a response that waits for something another type should deliver is NACKed, naming it, when that type's
 *       newest response is NACKed while it waits, or was NACKed for what it delivered (its stores) and delivered
 *       the very piece (the control plane resends nothing NACKed, so nothing else would come); or when a response
 *       has waited {@code waitLimit}. Otherwise a response that arrives after a NACK waits for a newer one: the
 *       control plane may be publishing it. A waiting response holds up its type (the server sends the next only
 *       once it is answered), so it must not wait for what cannot come.</li>
 * </ul>
 * A newer response of a type replaces a waiting one, which is then never answered (the server only reads answers to
 * its newest nonce). Every method runs on the one config thread.
 */
final class ConfigApplier {
  private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);

  /** What the stream sends back. */
  interface Answers {
    void ack(ResourceType type, String version, String nonce);

    /** A NACK carries the version applied before, the response's nonce and {@code message}. */
    void nack(ResourceType type, String nonce, String message);
  }

  private final LiveSnapshot live;
  private final Answers answers;
  private final Duration waitLimit;
  private final ScheduledExecutorService thread;
  private final Consumer<DataPathSnapshot> applied;
  private final TypeState<Map<String, Declared>> clusters =
      new TypeState<>(ResourceType.CDS, Map.of(), StoreClusters::decode, Map::containsKey);
  private final TypeState<Optional<ModelTable>> tables = new TypeState<>(ResourceType.RDS, Optional.empty(),
      resources -> Optional.of(ModelTables.decode(resources)), (table, name) -> table.isPresent());
  private final TypeState<Secrets> secrets =
      new TypeState<>(ResourceType.SDS, Secrets.NONE, Secrets::decode, Secrets::has);
  private Optional<AssembledConfig> appliedConfig = Optional.empty();
  private ScheduledFuture<?> waitTimer;

  /** @param applied told of each snapshot switched to */
  ConfigApplier(LiveSnapshot live, Answers answers, Duration waitLimit, ScheduledExecutorService thread,
      Consumer<DataPathSnapshot> applied) {
    this.live = live;
    this.answers = answers;
    this.waitLimit = waitLimit;
    this.thread = thread;
    this.applied = applied;
  }

  void received(ResourceType type, DiscoveryResponse response) {
    TypeState<?> state = stateOf(type);
    state.rejected = Optional.empty();
    try {
      state.receive(response, System.nanoTime());
    } catch (ConfigException e) {
      nack(state, response.getVersionInfo(), response.getNonce(), e.getMessage());
    }
    evaluate();
  }

  /** The stream ended: what it delivered and did not complete is gone; the server resends on the next stream. */
  void streamLost() {
    types().forEach(TypeState::forget);
    cancelWaitTimer();
  }

  /** The version of {@code type} the running snapshot was built from ({@code ""}: none yet). */
  String appliedVersion(ResourceType type) {
    return stateOf(type).appliedVersion;
  }

  /** The password secrets the newest clusters name and the keys secrets the newest table's consumers name. */
  Set<String> secretNames() {
    Set<String> names = new TreeSet<>();
    clusters.candidate().values().forEach(store -> store.passwordSecret().ifPresent(names::add));
    tables.candidate().flatMap(ModelTable::consumers)
        .ifPresent(consumers -> consumers.values().forEach(consumer -> names.add(consumer.keysSecret())));
    return names;
  }

  private void evaluate() {
    while (types().anyMatch(TypeState::isPending)) {
      Candidate candidate = candidate();
      List<Missing> missing = candidate.missing();
      if (missing.isEmpty()) {
        if (apply(candidate.assemble())) {
          return;
        }
        continue;
      }
      Map<TypeState<?>, List<String>> doomed = waitingInVain(missing);
      if (doomed.isEmpty()) {
        scheduleWaitTimer();
        return;
      }
      doomed.forEach((state, reasons) -> nackPending(state, String.join("; ", reasons), false));
    }
    cancelWaitTimer();
  }

  /** Switches to {@code config} (unless it is the one running) and ACKs every waiting response; false on NACK. */
  private boolean apply(AssembledConfig config) {
    if (!appliedConfig.equals(Optional.of(config))) {
      try {
        live.switchTo(config);
      } catch (StoreException e) {
        // Only clusters and passwords change what a store is.
        nackPending(clusters.isPending() ? clusters : secrets.isPending() ? secrets : tables, e.getMessage(), true);
        return false;
      }
      appliedConfig = Optional.of(config);
      applied.accept(live.current());
    }
    types().filter(TypeState::isPending).forEach(state -> {
      Pending<?> done = state.promote();
      answers.ack(state.type, done.version(), done.nonce());
    });
    cancelWaitTimer();
    return true;
  }

  private Candidate candidate() {
    return new Candidate(clusters.candidate(), tables.candidate(), secrets.candidate());
  }

  /** The waiting responses whose missing piece will not come: see the class comment. */
  private Map<TypeState<?>, List<String>> waitingInVain(List<Missing> missing) {
    Map<TypeState<?>, List<String>> doomed = new LinkedHashMap<>();
    for (Missing m : missing) {
      for (Waiting waiting : waiting(m)) {
        TypeState<?> awaited = stateOf(waiting.awaited());
        Optional<Rejection> rejection = awaited.rejected;
        boolean delivered = waiting.awaited() == m.referee() && awaited.refusedDelivered(m.name());
        if (!awaited.isPending() && rejection.isPresent()
            && (delivered || rejection.get().at() > waiting.state().pending.receivedAt())) {
          doomed.computeIfAbsent(waiting.state(), s -> new ArrayList<>()).add("missing " + m.what() + ": "
              + awaited.type + " version " + rejection.get().version() + " was rejected");
        }
      }
    }
    return doomed;
  }

  /** A waiting response, and the type whose next response could complete it. */
  private record Waiting(TypeState<?> state, ResourceType awaited) {}

  private List<Waiting> waiting(Missing m) {
    TypeState<?> referee = stateOf(m.referee());
    if (m.referrer().isEmpty()) {
      return types().filter(s -> s.isPending() && s != referee).map(s -> new Waiting(s, m.referee())).toList();
    }
    TypeState<?> referrer = stateOf(m.referrer().get());
    List<Waiting> waiting = new ArrayList<>();
    if (referrer.isPending()) {
      waiting.add(new Waiting(referrer, referee.type));
    }
    if (referee.isPending()) {
      waiting.add(new Waiting(referee, referrer.type));
    }
    return waiting;
  }

  private void scheduleWaitTimer() {
    long oldest = types().filter(TypeState::isPending).mapToLong(s -> s.pending.receivedAt()).min().orElseThrow();
    long delay = oldest + waitLimit.toNanos() - System.nanoTime();
    cancelWaitTimer();
    waitTimer = thread.schedule(this::waitLimitReached, Math.max(0, delay), TimeUnit.NANOSECONDS);
  }

  /**
   * The oldest waiting response has waited {@code waitLimit}: the responses that have waited that long for a
   * missing piece are NACKed; if the expired one waits only because others do, those are.
   */
  private void waitLimitReached() {
    waitTimer = null;
    long now = System.nanoTime();
    Map<TypeState<?>, List<String>> waitingFor = new LinkedHashMap<>();
    for (Missing m : candidate().missing()) {
      waiting(m).forEach(w -> waitingFor.computeIfAbsent(w.state(), s -> new ArrayList<>())
          .add("missing " + m.what() + ": no " + w.awaited() + " response delivered it within " + waitLimit));
    }
    Map<TypeState<?>, List<String>> expired = new LinkedHashMap<>(waitingFor);
    expired.keySet().removeIf(state -> now - state.pending.receivedAt() < waitLimit.toNanos());
    (expired.isEmpty() ? waitingFor : expired)
        .forEach((state, reasons) -> nackPending(state, String.join("; ", reasons), false));
    evaluate();
  }

  private void cancelWaitTimer() {
    if (waitTimer != null) {
      waitTimer.cancel(false);
      waitTimer = null;
    }
  }

  /** @param forWhatItDelivered the response itself is at fault (its stores), not what it waited for */
  private void nackPending(TypeState<?> state, String message, boolean forWhatItDelivered) {
    Pending<?> rejected = state.pending;
    state.refuse(forWhatItDelivered);
    nack(state, rejected.version(), rejected.nonce(), message);
  }

  private void nack(TypeState<?> state, String version, String nonce, String message) {
    log.warn("rejected {} version {}: {}", state.type, version, message);
    state.rejected = Optional.of(new Rejection(version, System.nanoTime()));
    answers.nack(state.type, nonce, message);
  }

  private TypeState<?> stateOf(ResourceType type) {
    return switch (type) {
      case CDS -> clusters;
      case RDS -> tables;
      case SDS -> secrets;
    };
  }

  private Stream<TypeState<?>> types() {
    return Stream.of(clusters, tables, secrets);
  }

  /** The NACK of a type's newest response: its version, and when. */
  private record Rejection(String version, long at) {}

  /** A response that decoded and waits to be applied. */
  private record Pending<T>(String version, String nonce, T value, long receivedAt) {}

  @FunctionalInterface
  private interface Decoder<T> {
    T decode(List<Any> resources) throws ConfigException;
  }

  /** Whether a value of the type has the resource named. */
  @FunctionalInterface
  private interface Supplies<T> {
    boolean test(T value, String name);
  }

  /** One type: what the running snapshot has of it, and its newest response if that is not applied yet. */
  private static final class TypeState<T> {
    final ResourceType type;
    final Decoder<T> decoder;
    final Supplies<T> supplies;
    String appliedVersion = "";
    T applied;
    Pending<T> pending;
    /** This type's newest response, when it was NACKed and nothing newer came since. */
    Optional<Rejection> rejected = Optional.empty();
    /** What that response delivered, when it was NACKed for it (not for what it waited for, nor undecodable). */
    Optional<T> refused = Optional.empty();

    TypeState(ResourceType type, T none, Decoder<T> decoder, Supplies<T> supplies) {
      this.type = type;
      this.applied = none;
      this.decoder = decoder;
      this.supplies = supplies;
    }

    void receive(DiscoveryResponse response, long now) throws ConfigException {
      pending = null;
      refused = Optional.empty();
      pending = new Pending<>(response.getVersionInfo(), response.getNonce(),
          decoder.decode(response.getResourcesList()), now);
    }

    boolean isPending() {
      return pending != null;
    }

    void forget() {
      pending = null;
      rejected = Optional.empty();
      refused = Optional.empty();
    }

    void refuse(boolean forWhatItDelivered) {
      refused = forWhatItDelivered ? Optional.of(pending.value()) : Optional.empty();
      pending = null;
    }

    boolean refusedDelivered(String name) {
      return refused.filter(value -> supplies.test(value, name)).isPresent();
    }

    T candidate() {
      return pending != null ? pending.value() : applied;
    }

    Pending<T> promote() {
      Pending<T> done = pending;
      applied = done.value();
      appliedVersion = done.version();
      pending = null;
      return done;
    }
  }
}
