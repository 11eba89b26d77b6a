package io.llmxds.cp.policy;

import io.llmxds.cp.policy.YamlNode.Scalar;
import io.llmxds.cp.policy.YamlNode.ScalarType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Conversions of the scalar field types policies use. Reasons never quote a value that could be a secret. */
final class Values {

  private static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  /** RFC 9110 token characters: what an HTTP header name may contain. */
  private static final Pattern HEADER_NAME_PATTERN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern HOSTNAME_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern BYTE_SIZE = Pattern.compile("(\\d{1,10})(Ki|Mi|Gi)?");
  private static final Map<String, Long> BYTE_UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30);

  static final Conversion<String> STRING = node -> scalar(node, ScalarType.STRING).text();

  static final Conversion<String> NON_EMPTY_STRING = STRING.then(Values::nonEmpty);

  /** A path on another machine (the Envoy host): absolute, no control characters. */
  static final Conversion<String> ABSOLUTE_PATH = STRING.then(Values::absolutePath);

  /** A policy name: a DNS-1123 label that may also contain dots. */
  static final Conversion<String> NAME = STRING.then(Values::name);

  static final Conversion<String> HEADER_NAME = STRING.then(Values::headerName);

  /** An IP literal or a DNS name. */
  static final Conversion<String> HOST = STRING.then(Values::host);

  /** An IP literal (v4 or v6): what Envoy binds a listener to. */
  static final Conversion<String> IP_ADDRESS = STRING.then(Values::ipAddress);

  static final Conversion<Integer> PORT = integer(1, 65535);

  static final Conversion<Boolean> BOOLEAN = node -> Boolean.parseBoolean(scalar(node, ScalarType.BOOLEAN).text());

  private Values() {}

  static Conversion<Integer> integer(int min, int max) {
    return wholeNumber(min, max).then(Long::intValue);
  }

  static Conversion<Long> wholeNumber(long min, long max) {
    return node -> {
      BigInteger value = new BigInteger(scalar(node, ScalarType.INTEGER).text());
      return inRange(value, min, max);
    };
  }

  /** A decimal number, written with or without a fraction ({@code 5}, {@code 0.01}), from min to max. */
  static Conversion<BigDecimal> decimal(BigDecimal min, BigDecimal max) {
    return node -> {
      if (!(node instanceof Scalar scalar)
          || (scalar.type() != ScalarType.INTEGER && scalar.type() != ScalarType.FLOAT)) {
        throw new InvalidValue("expected a decimal number, got " + node.describe());
      }
      BigDecimal value;
      try {
        value = new BigDecimal(scalar.text());
      } catch (NumberFormatException e) {
        throw new InvalidValue("expected a decimal number like 0.01, got \"" + scalar.text() + "\"");
      }
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new InvalidValue("must be between " + min.toPlainString() + " and " + max.toPlainString());
      }
      return value.stripTrailingZeros();
    };
  }

  /** One of a fixed set of words, e.g. an enum's wire names. */
  static <E> Conversion<E> oneOf(E[] values, Function<E, String> wire) {
    Map<String, E> byWire = Arrays.stream(values).collect(Collectors.toMap(wire, v -> v));
    String known = Arrays.stream(values).map(wire).collect(Collectors.joining(", "));
    return STRING.then(text -> {
      E value = byWire.get(text);
      if (value == null) {
        throw new InvalidValue("must be one of " + known + " (got \"" + text + "\")");
      }
      return value;
    });
  }

  static Conversion<Duration> duration(Durations.Rule rule) {
    return node -> {
      if (node instanceof Scalar scalar && scalar.type() == ScalarType.INTEGER) {
        throw new InvalidValue("duration needs a unit, e.g. " + scalar.text() + "s");
      }
      return rule.check(Durations.parse(scalar(node, ScalarType.STRING).text()));
    };
  }

  /** A byte count: a plain integer, or an integer with a binary suffix ({@code 512Ki}, {@code 8Mi}, {@code 1Gi}). */
  static Conversion<Long> byteSize(long min, long max) {
    return node -> {
      BigInteger bytes;
      if (node instanceof Scalar scalar && scalar.type() == ScalarType.INTEGER) {
        bytes = new BigInteger(scalar.text());
      } else {
        String text = scalar(node, ScalarType.STRING).text();
        Matcher matcher = BYTE_SIZE.matcher(text);
        if (!matcher.matches()) {
          throw new InvalidValue("expected a size like 8Mi, 512Ki, 1Gi or a number of bytes, got \"" + text + "\"");
        }
        long unit = matcher.group(2) == null ? 1 : BYTE_UNITS.get(matcher.group(2));
        bytes = new BigInteger(matcher.group(1)).multiply(BigInteger.valueOf(unit));
      }
      if (bytes.compareTo(BigInteger.valueOf(min)) < 0 || bytes.compareTo(BigInteger.valueOf(max)) > 0) {
        throw new InvalidValue("must be between " + bytes(min) + " and " + bytes(max));
      }
      return bytes.longValueExact();
    };
  }

  /** {@code 8Mi} rather than {@code 8388608} where the number is a whole multiple. */
  static String bytes(long count) {
    for (String unit : new String[] {"Gi", "Mi", "Ki"}) {
      long size = BYTE_UNITS.get(unit);
      if (count >= size && count % size == 0) {
        return count / size + unit;
      }
    }
    return Long.toString(count);
  }

  private static boolean isHeaderName(String text) {
    return HEADER_NAME_PATTERN.matcher(text).matches();
  }

  private static Scalar scalar(YamlNode node, ScalarType expected) throws InvalidValue {
    if (node instanceof Scalar scalar && scalar.type() == expected) {
      return scalar;
    }
    String hint = expected == ScalarType.STRING && node instanceof Scalar ? " (quote it to make it a string)" : "";
    throw new InvalidValue("expected " + expected.description() + ", got " + node.describe() + hint);
  }

  private static String nonEmpty(String text) throws InvalidValue {
    if (text.isEmpty()) {
      throw new InvalidValue("must not be empty");
    }
    return text;
  }

  private static String absolutePath(String text) throws InvalidValue {
    if (!text.startsWith("/")) {
      throw new InvalidValue("must be an absolute path (it is read on the Envoy host, not relative to anything)");
    }
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidValue("must not contain control characters");
    }
    return text;
  }

  static boolean isName(String text) {
    return text.length() <= 63 && NAME_PATTERN.matcher(text).matches();
  }

  private static String name(String text) throws InvalidValue {
    if (!isName(text)) {
      throw new InvalidValue(
          "\"" + text + "\" is not a valid name (lowercase letters, digits, '-' and '.', starting and ending with a"
              + " letter or digit, at most 63 characters)");
    }
    return text;
  }

  private static String headerName(String text) throws InvalidValue {
    if (!isHeaderName(text)) {
      throw new InvalidValue(
          "\"" + text + "\" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    }
    return text;
  }

  private static String host(String text) throws InvalidValue {
    if (isIpLiteral(text) || isHostname(text)) {
      return text;
    }
    throw new InvalidValue("\"" + text + "\" is neither an IP address nor a host name");
  }

  private static String ipAddress(String text) throws InvalidValue {
    if (isIpLiteral(text)) {
      return text;
    }
    throw new InvalidValue("\"" + text + "\" is not an IP address (Envoy binds a listener to an IP, not a name)");
  }

  static boolean isIpLiteral(String text) {
    Matcher v4 = IPV4.matcher(text);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      // a string with ':' is parsed as an IPv6 literal, never looked up in DNS
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static boolean isHostname(String text) {
    if (text.isEmpty() || text.length() > 253 || IPV4.matcher(text).matches()) {
      return false;
    }
    String labels = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    return Arrays.stream(labels.split("\\.", -1)).allMatch(label -> HOSTNAME_LABEL.matcher(label).matches());
  }

  private static long inRange(BigInteger value, long min, long max) throws InvalidValue {
    if (value.compareTo(BigInteger.valueOf(min)) < 0) {
      throw new InvalidValue(min == 0 ? "must not be negative" : "must be at least " + min);
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new InvalidValue("must be at most " + max);
    }
    return value.longValueExact();
  }
}
