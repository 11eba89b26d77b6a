package io.llmxds.examples.mockllm;

import com.sun.net.httpserver.Headers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How one chat request is to be answered: after which latency, and with which status. The request's headers win over
 * the server's settings: {@code x-mock-fail-on} naming this backend fails it with the server's error status, then
 * {@code x-mock-latency-ms} and {@code x-mock-status} apply; otherwise an error is drawn with probability
 * {@code errorRate}. {@code x-mock-fail-on} exists because a gateway forwards a request's headers to every provider
 * it tries: {@code x-mock-status} would fail a retry on the fallback as well, a fault scoped by backend name fails
 * only the first try.
 */
final class FaultInjection {
  static final String LATENCY_HEADER = "x-mock-latency-ms";
  static final String STATUS_HEADER = "x-mock-status";
  static final String FAIL_ON_HEADER = "x-mock-fail-on";
  private static final long MAX_LATENCY_MS = 600_000;

  /** The status to answer with, and why when it is an injected error. */
  record Outcome(int status, String cause) {
    boolean failed() {
      return status >= 400;
    }
  }

  private final String backend;
  private final Duration latency;
  private final double errorRate;
  private final int errorStatus;
  private final RandomGenerator random;

  FaultInjection(String backend, Duration latency, double errorRate, int errorStatus, RandomGenerator random) {
    this.backend = backend;
    this.latency = latency;
    this.errorRate = errorRate;
    this.errorStatus = errorStatus;
    this.random = random;
  }

  Duration latency(Headers headers) throws InvalidRequest {
    String value = headers.getFirst(LATENCY_HEADER);
    if (value == null) {
      return latency;
    }
    return Duration.ofMillis(integer(LATENCY_HEADER, value, 0, MAX_LATENCY_MS));
  }

  Outcome outcome(Headers headers) throws InvalidRequest {
    if (failOn(headers).contains(backend)) {
      return new Outcome(errorStatus, FAIL_ON_HEADER + " names " + backend);
    }
    String forced = headers.getFirst(STATUS_HEADER);
    if (forced != null) {
      int status = (int) integer(STATUS_HEADER, forced, 200, 599);
      if (status != 200 && status < 400) {
        throw new InvalidRequest("header " + STATUS_HEADER + ": expected 200 or an error status (400 to 599), got "
            + status, "invalid_header");
      }
      return new Outcome(status, "forced by " + STATUS_HEADER);
    }
    if (errorRate > 0 && draw() < errorRate) {
      return new Outcome(errorStatus, "error rate " + errorRate);
    }
    return new Outcome(200, "");
  }

  /** The backends named by every {@code x-mock-fail-on} value, each a comma-separated list. */
  private static List<String> failOn(Headers headers) {
    List<String> values = headers.get(FAIL_ON_HEADER);
    if (values == null) {
      return List.of();
    }
    return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).toList();
  }

  // The generator is shared by the request threads; a seeded sequence stays reproducible for sequential requests.
  private synchronized double draw() {
    return random.nextDouble();
  }

  private static long integer(String header, String value, long min, long max) throws InvalidRequest {
    long parsed;
    try {
      parsed = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      parsed = Long.MIN_VALUE;
    }
    if (parsed < min || parsed > max) {
      throw new InvalidRequest("header " + header + ": expected an integer from " + min + " to " + max + ", got \""
          + value + "\"", "invalid_header");
    }
    return parsed;
  }
}
