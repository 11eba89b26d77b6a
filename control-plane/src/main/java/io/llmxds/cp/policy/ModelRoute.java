package io.llmxds.cp.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where requests for some model names go.
 *
 * @param models the model names clients ask for (matched exactly against the {@code x-llm-model} header)
 * @param backends weighted providers: one is chosen per request, in proportion to its weight (A/B splits)
 * @param fallbacks providers tried, in order, when a retry of the chosen backend is needed
 * @param timeout the whole request, all retries included; long enough for slow generations
 * @param contextPolicy the ContextPolicy for requests matched to this route by a client-sent model header
 */
public record ModelRoute(
    String name,
    List<String> models,
    List<Backend> backends,
    List<Fallback> fallbacks,
    Retry retry,
    Duration timeout,
    Optional<String> contextPolicy) {

  public ModelRoute {
    models = List.copyOf(models);
    backends = List.copyOf(backends);
    fallbacks = List.copyOf(fallbacks);
  }

  /** The providers of the fallbacks, in order. */
  public List<String> fallbackProviders() {
    return fallbacks.stream().map(Fallback::provider).toList();
  }

  /**
   * The providers a request this route sends to {@code backend} may try, in order: the backend, then the fallbacks
   * (the loader keeps a fallback from repeating a backend or another fallback).
   */
  public List<String> fallbackChain(String backend) {
    return Stream.concat(Stream.of(backend), fallbacks.stream().map(Fallback::provider)).distinct().toList();
  }

  /** The model name sent to {@code provider} when this route sends it a request, if not the client's. */
  public Optional<String> upstreamModel(String provider) {
    return backends.stream().filter(b -> b.provider().equals(provider)).map(Backend::model).findFirst()
        .orElseGet(() -> fallbacks.stream().filter(f -> f.provider().equals(provider)).map(Fallback::model)
            .findFirst().flatMap(m -> m));
  }

  /**
   * @param model the model name sent upstream instead of the client's, if set
   */
  public record Backend(String provider, Optional<String> model, int weight) {}

  /**
   * A provider tried when the backend (and the fallbacks before this one) failed.
   *
   * @param model the model name sent to this provider instead of the client's, if set (never the backend's)
   */
  public record Fallback(String provider, Optional<String> model) {
    /** As the change summary shows it: {@code mock-fallback}, or {@code mock-fallback as fb-model}. */
    @Override
    public String toString() {
      return provider + model.map(m -> " as " + m).orElse("");
    }
  }

  /**
   * @param attempts retries after the first try (0 = none)
   * @param retryOn Envoy retry conditions, e.g. {@code 5xx}, {@code reset}, {@code connect-failure},
   *     {@code retriable-status-codes}
   * @param statusCodes the HTTP statuses that {@code retriable-status-codes} retries on (e.g. 429 from a provider
   *     that is rate limiting us), sorted; empty otherwise
   * @param perTryTimeout the limit of one try; zero = only the route timeout applies
   */
  public record Retry(int attempts, List<String> retryOn, List<Integer> statusCodes, Duration perTryTimeout) {
    public Retry {
      retryOn = List.copyOf(retryOn);
      statusCodes = List.copyOf(statusCodes);
    }
  }
}
