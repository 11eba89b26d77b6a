package io.llmxds.cp.observe;

import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.source.PolicySource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The control plane's metrics (Prometheus names in docs/operations.md): reloads, the config version served, pushes
 * and their ACKs and NACKs per type, connected streams, and convergence time: from a reload's start until a node
 * has ACKed every type of the new version (ACKs, not sends: a sent config may still be rejected).
 */
public final class XdsMetrics implements PushObserver, ReloadObserver, AutoCloseable {
  static final String RELOADS = "llm_xds.reloads";
  static final String RELOAD_DURATION = "llm_xds.reload.duration";
  static final String ROLLBACKS = "llm_xds.rollbacks";
  static final String CONFIG_INFO = "llm_xds.config.info";
  static final String LAST_SUCCESS_AGE = "llm_xds.reload.last_success.age";
  static final String PUSHES = "llm_xds.xds.pushes";
  static final String ACKS = "llm_xds.xds.acks";
  static final String NACKS = "llm_xds.xds.nacks";
  static final String STREAMS = "llm_xds.xds.streams";
  static final String CONVERGENCE = "llm_xds.convergence";
  static final String SOURCE_UP = "llm_xds.source.up";
  private static final Duration[] CONVERGENCE_BUCKETS = Stream.of(25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
      30_000, 60_000).map(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final AtomicInteger streams = new AtomicInteger();
  private final MultiGauge configInfo;
  private final Gauge streamsGauge;
  private final Gauge lastSuccessAge;
  private final Timer convergenceTimer;
  private final Convergence convergence = new Convergence();
  private volatile Instant lastSuccess;
  private Gauge sourceUp;

  public XdsMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.configInfo = MultiGauge.builder(CONFIG_INFO)
        .description("The config version served now (value 1, version in the config_version label)")
        .register(registry);
    this.streamsGauge = Gauge.builder(STREAMS, streams, AtomicInteger::get)
        .description("Open xDS streams")
        .register(registry);
    this.lastSuccessAge = Gauge.builder(LAST_SUCCESS_AGE, this, XdsMetrics::secondsSinceLastSuccess)
        .description("Seconds since the last reload that found the policies valid (NaN before the first)")
        .baseUnit("seconds")
        .register(registry);
    this.convergenceTimer = Timer.builder(CONVERGENCE)
        .description("From a reload's start until a node has ACKed every type of the new config version")
        // Fixed buckets, a dozen series: enough for histogram_quantile() from tens of milliseconds to a minute.
        .serviceLevelObjectives(CONVERGENCE_BUCKETS)
        .register(registry);
  }

  @Override
  public void onReload(ReloadOutcome outcome, String actor, SpanContext span) {
    String status = outcome.status().wire();
    Counter.builder(RELOADS)
        .description("Reload attempts by status and trigger")
        .tags("status", status, "trigger", outcome.trigger().wire())
        .register(registry)
        .increment();
    Timer.builder(RELOAD_DURATION)
        .description("How long reloads took: read, validate, translate, verify, publish")
        .tag("status", status)
        .register(registry)
        .record(outcome.duration());
    if (outcome.trigger().rollsBack() && outcome.status() == ReloadOutcome.Status.SUCCESS) {
      Counter.builder(ROLLBACKS)
          .description("Kept versions republished in place of the serving one, by trigger (rollback, guard)")
          .tag("trigger", outcome.trigger().wire())
          .register(registry)
          .increment();
    }
    if (!outcome.configVersion().isEmpty()) {
      configInfo.register(
          List.of(MultiGauge.Row.of(Tags.of("config_version", outcome.configVersion()), 1)), true);
    }
    // An unchanged reload found the policies valid too: the age measures how long the files have been broken.
    if (outcome.status() != ReloadOutcome.Status.FAILURE) {
      lastSuccess = Instant.now();
    }
  }

  /** 1 while the policy source can be read, 0 while it cannot (etcd unreachable); the reason is in /status. */
  public synchronized void watchSource(PolicySource source) {
    sourceUp = Gauge.builder(SOURCE_UP, source, s -> s.problem().isPresent() ? 0 : 1)
        .description("Whether the policy source (directory or etcd) can be read now")
        .register(registry);
  }

  @Override
  public void onStreamOpened(long streamId) {
    streams.incrementAndGet();
  }

  @Override
  public void onNodeIdentified(long streamId, XdsNode node) {
    synchronized (convergence) {
      convergence.identified(streamId, node, Instant.now());
    }
  }

  @Override
  public void onStreamClosed(long streamId, XdsNode node) {
    streams.decrementAndGet();
    synchronized (convergence) {
      convergence.closed(streamId);
    }
  }

  @Override
  public void onSubscription(long streamId, XdsNode node, String typeUrl, boolean subscribed) {
    synchronized (convergence) {
      convergence.subscription(node, typeUrl, subscribed);
    }
  }

  @Override
  public void onPushSent(Push push) {
    count(PUSHES, "Responses sent, per type", push.typeUrl()).increment();
  }

  @Override
  public void onPushAnswered(Push push, PushOutcome outcome) {
    if (outcome instanceof PushOutcome.Acked) {
      count(ACKS, "Responses ACKed, per type", push.typeUrl()).increment();
      synchronized (convergence) {
        convergence.acked(push, Instant.now()).ifPresent(convergenceTimer::record);
      }
    } else if (outcome instanceof PushOutcome.Nacked) {
      Counter.builder(NACKS)
          .description("Responses NACKed, per type and node")
          .tags("type_url", push.typeUrl(), "node_id", push.node().id())
          .register(registry)
          .increment();
    }
  }

  private Counter count(String name, String description, String typeUrl) {
    return Counter.builder(name).description(description).tag("type_url", typeUrl).register(registry);
  }

  private double secondsSinceLastSuccess() {
    Instant last = lastSuccess;
    return last == null ? Double.NaN : Duration.between(last, Instant.now()).toNanos() / 1e9;
  }

  /** Removes the gauges, which read this instance; counters and timers stay, for a successor to continue. */
  @Override
  public void close() {
    configInfo.register(List.of(), true);
    registry.remove(streamsGauge);
    registry.remove(lastSuccessAge);
    synchronized (this) {
      if (sourceUp != null) {
        registry.remove(sourceUp);
      }
    }
  }
}
