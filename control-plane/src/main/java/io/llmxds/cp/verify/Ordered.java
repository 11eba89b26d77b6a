package io.llmxds.cp.verify;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.util.Comparator;
import java.util.function.Function;

/**
 * The value kinds that PGV bounds with const/lt/lte/gt/gte: every numeric type, durations and timestamps. Each kind
 * turns a reflected value (and a bound read from the rules, which has the same Java type) into one comparable form.
 */
enum Ordered {
  SIGNED(v -> ((Number) v).longValue(), Comparator.comparingLong(v -> (Long) v), String::valueOf, 0L),
  UNSIGNED32(v -> Integer.toUnsignedLong(((Number) v).intValue()), Comparator.comparingLong(v -> (Long) v),
      String::valueOf, 0L),
  UNSIGNED64(v -> ((Number) v).longValue(), (a, b) -> Long.compareUnsigned((Long) a, (Long) b),
      v -> Long.toUnsignedString((Long) v), 0L),
  FLOATING(v -> ((Number) v).doubleValue(), Comparator.comparingDouble(v -> (Double) v), String::valueOf, 0.0),
  DURATION(v -> v, (a, b) -> Durations.compare((Duration) a, (Duration) b), v -> Durations.toString((Duration) v),
      Duration.getDefaultInstance()),
  TIMESTAMP(v -> v, (a, b) -> Timestamps.compare((Timestamp) a, (Timestamp) b),
      v -> Timestamps.toString((Timestamp) v), Timestamp.getDefaultInstance());

  private final Function<Object, Object> normalize;
  private final Comparator<Object> order;
  private final Function<Object, String> show;
  private final Object zero;

  Ordered(Function<Object, Object> normalize, Comparator<Object> order, Function<Object, String> show, Object zero) {
    this.normalize = normalize;
    this.order = order;
    this.show = show;
    this.zero = zero;
  }

  Object normalize(Object value) {
    return normalize.apply(value);
  }

  int compare(Object normalizedA, Object normalizedB) {
    return order.compare(normalizedA, normalizedB);
  }

  String show(Object normalized) {
    return show.apply(normalized);
  }

  boolean isZero(Object normalized) {
    return normalized.equals(zero);
  }
}
