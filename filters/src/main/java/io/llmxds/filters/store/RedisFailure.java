package io.llmxds.filters.store;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns what lettuce throws into a {@link StoreException} that names the store and the cause in a few words
 * ({@code ContextStore/x: redis://10.0.0.9:6379/0: connection refused}). Lettuce wraps causes several deep (connection
 * exception → netty exception → JDK exception; a cluster's seeds as suppressed exceptions), and some of its messages
 * carry hex dumps: the cause is found by type, and only a known-safe text is kept. Never the password.
 */
final class RedisFailure {

  private RedisFailure() {}

  /** Opening failed: {@code <label>: <cause>}. */
  static StoreException atOpen(StoreSpec spec, Throwable e) {
    return redacted(spec, spec.label() + ": " + reason(spec, e, true), e);
  }

  /** Opening failed at one part of the store ({@code where}, e.g. a cluster's master): {@code <label>: <where>: …}. */
  static StoreException atOpen(StoreSpec spec, String where, Throwable e) {
    return redacted(spec, spec.label() + ": " + where + ": " + reason(spec, e, true), e);
  }

  /** A command failed: {@code <label>: <op> failed: <cause>}. */
  static StoreException inCommand(StoreSpec spec, String op, Throwable e) {
    return redacted(spec, spec.label() + ": " + op + " failed: " + reason(spec, e, false), e);
  }

  private static String reason(StoreSpec spec, Throwable e, boolean connecting) {
    for (Throwable t : causes(e)) {
      if (t instanceof io.netty.channel.ConnectTimeoutException || t instanceof SocketTimeoutException) {
        return "timed out after " + format(spec.connectTimeout());
      }
      if (t instanceof RedisCommandTimeoutException) { // lettuce's handshake (HELLO, AUTH, SELECT), or a command
        boolean handshake = String.valueOf(t.getMessage()).startsWith("Connection initialization");
        return "timed out after " + format(handshake ? LettuceOptions.handshakeTimeout(spec) : spec.commandTimeout());
      }
      if (t instanceof SslHandshakeTimeoutException) {
        return "TLS handshake timed out after " + format(spec.connectTimeout()) + " (a plain port?)";
      }
      if (t instanceof NotSslRecordException) {
        return "TLS handshake failed: the server's answer is not TLS (a plain port?)";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed: " + tlsReason(spec, deepestMessage(t));
      }
      if (t instanceof ConnectException) { // "Connection refused: /127.0.0.1:6379" and the like
        return firstClause(t.getMessage()).toLowerCase(Locale.ROOT);
      }
      if (t instanceof UnknownHostException) { // netty: "Failed to resolve 'host' [A(1), AAAA(28)] after 2 queries"
        String[] quoted = String.valueOf(t.getMessage()).split("'");
        return "cannot resolve " + (quoted.length > 2 ? quoted[1] : t.getMessage());
      }
      if (t instanceof RedisCommandExecutionException) {
        return serverError(spec, t.getMessage());
      }
    }
    return lettuceMessage(spec, e, connecting);
  }

  // The JDK's words, with what they mean for this store.
  private static String tlsReason(StoreSpec spec, String jdk) {
    StoreSpec.Tls tls = spec.tls().orElse(new StoreSpec.Tls("", Optional.empty()));
    if (jdk.contains("unable to find valid certification path")) {
      return "the server's certificate is not signed by a CA of "
          + (tls.caPem().isPresent() ? "the store's CA bundle" : "the JVM's trust store") + " (" + jdk + ")";
    }
    if (jdk.startsWith("No subject alternative") || jdk.startsWith("No name matching")) {
      // The JDK checks the SNI name, then the address; its message names the last it tried.
      return (tls.sni().isEmpty()
          ? "the server's certificate does not name the address"
          : "the server's certificate names neither " + tls.sni() + " nor the address") + " (" + jdk + ")";
    }
    return jdk;
  }

  private static String serverError(StoreSpec spec, String message) {
    String code = message.split(" ", 2)[0];
    return switch (code) {
      case "WRONGPASS" -> "authentication failed (WRONGPASS)";
      case "NOAUTH" -> "authentication required (NOAUTH)";
      case "NOPERM" -> "permission denied (NOPERM): " + message.substring(code.length()).trim();
      default -> message.contains("DB index is out of range")
          ? "database " + spec.database() + " does not exist (" + message + ")"
          : "the server answered: " + message;
    };
  }

  // Lettuce's own conditions; other messages are its text, which names no argument of a command.
  private static String lettuceMessage(StoreSpec spec, Throwable e, boolean connecting) {
    String message = deepestMessage(e);
    if (message.startsWith("Currently not connected")) {
      return "not connected (reconnecting)";
    }
    boolean closed = isClosed(message);
    if (closed && connecting) { // what a TLS port does to a plain client
      return "the server closed the connection during the handshake" + (spec.tls().isPresent() ? "" : " (a TLS port?)");
    }
    return closed ? "connection lost" : message;
  }

  /** Whether opening failed because the connection was closed during lettuce's handshake. */
  static boolean closedDuringHandshake(StoreException e) {
    return e.getCause() != null && isClosed(deepestMessage(e.getCause()));
  }

  private static boolean isClosed(String message) {
    return message.equals("Connection closed prematurely") || message.equals("Connection reset")
        || message.equals("Connection reset by peer") || message.equals("Connection closed");
  }

  /** {@code e}, its causes and suppressed exceptions, depth first (a cluster's seeds are suppressed exceptions). */
  private static List<Throwable> causes(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Deque<Throwable> todo = new ArrayDeque<>();
    todo.push(e);
    while (!todo.isEmpty()) {
      Throwable t = todo.pop();
      if (seen.put(t, true) != null) {
        continue;
      }
      all.add(t);
      Throwable[] suppressed = t.getSuppressed();
      for (int i = suppressed.length - 1; i >= 0; i--) {
        todo.push(suppressed[i]);
      }
      if (t.getCause() != null) {
        todo.push(t.getCause());
      }
    }
    return all;
  }

  private static String deepestMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static String firstClause(String message) {
    if (message == null) {
      return "";
    }
    int colon = message.indexOf(':');
    return colon < 0 ? message : message.substring(0, colon);
  }

  private static String format(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  // Belt and braces: no message of ours carries the password, but a server's or a library's might one day.
  private static StoreException redacted(StoreSpec spec, String message, Throwable cause) {
    String safe = spec.password().filter(p -> !p.isEmpty()).map(p -> message.replace(p, "<redacted>")).orElse(message);
    return new StoreException(safe, cause);
  }
}
