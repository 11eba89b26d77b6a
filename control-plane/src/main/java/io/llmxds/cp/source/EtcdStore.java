package io.llmxds.cp.source;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.llmxds.cp.policy.StoreBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A bundle under one etcd prefix (docs/sources.md): list it at a revision, watch it, replace it in one transaction.
 * Keys below the prefix are the bundle's relative paths; {@code .llm-xds/} below it is this tool's own (the push
 * guard), never part of a bundle.
 */
public final class EtcdStore implements AutoCloseable {
  /** Written by every push; its mod revision guards the next push (one compare, whatever the bundle's size). */
  static final String GUARD = ".llm-xds/pushed";
  private static final String OWN = ".llm-xds/";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final EtcdTarget target;
  private final Client client;
  private final ByteSequence prefix;

  private EtcdStore(EtcdTarget target, Client client) {
    this.target = target;
    this.client = client;
    this.prefix = bytes(target.prefix());
  }

  public static EtcdStore connect(EtcdTarget target, EtcdAccess access) throws IOException {
    ClientBuilder builder = Client.builder()
        .endpoints((access.ca().isPresent() ? "https://" : "http://") + target.host() + ":" + target.port())
        .connectTimeout(TIMEOUT);
    if (access.ca().isPresent()) {
      builder.sslContext(ssl -> {
        ssl.trustManager(access.ca().get().toFile());
        access.cert().ifPresent(cert -> ssl.keyManager(cert.toFile(), access.key().get().toFile()));
      });
    }
    if (access.user().isPresent()) {
      builder.user(bytes(access.user().get()))
          .password(bytes(Files.readString(access.passwordFile().get()).strip()));
    }
    return new EtcdStore(target, builder.build());
  }

  /** The bundle's keys at the store's current revision, and the push guard's mod revision (0 when never pushed). */
  public record Listing(Map<String, byte[]> entries, long revision, long guardRevision) {
    public StoreBundle bundle() {
      return new StoreBundle(entries, revision);
    }
  }

  public Listing list() throws IOException {
    GetResponse response = await(client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()));
    Map<String, byte[]> entries = new TreeMap<>();
    long guard = 0;
    for (KeyValue kv : response.getKvs()) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(target.prefix().length());
      if (key.equals(GUARD)) {
        guard = kv.getModRevision();
      } else if (!key.startsWith(OWN)) {
        entries.put(key, kv.getValue().getBytes());
      }
    }
    return new Listing(entries, response.getHeader().getRevision(), guard);
  }

  /**
   * Writes {@code puts}, deletes {@code deletes} and stamps the guard, in one transaction that only commits if no push
   * happened since {@code guardRevision} was read.
   *
   * @return the revision of the commit; empty when another push came first (nothing was written)
   */
  public OptionalLong replace(Map<String, byte[]> puts, Set<String> deletes, long guardRevision, String stamp)
      throws IOException {
    List<Op> ops = new ArrayList<>();
    puts.forEach((key, value) -> ops.add(Op.put(key(key), ByteSequence.from(value), PutOption.DEFAULT)));
    deletes.forEach(key -> ops.add(Op.delete(key(key), DeleteOption.DEFAULT)));
    ops.add(Op.put(key(GUARD), bytes(stamp), PutOption.DEFAULT));
    // etcd compares a missing key's mod revision as 0, so "never pushed" needs no second form of the guard
    Cmp guard = new Cmp(key(GUARD), Cmp.Op.EQUAL, CmpTarget.modRevision(guardRevision));
    TxnResponse response = await(client.getKVClient().txn().If(guard).Then(ops.toArray(Op[]::new)).commit());
    return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
  }

  /** Watches every key under the prefix from {@code fromRevision} on. */
  Watch.Watcher watch(long fromRevision, Watch.Listener listener) {
    return client.getWatchClient().watch(prefix,
        WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(), listener);
  }

  public EtcdTarget target() {
    return target;
  }

  private ByteSequence key(String relative) {
    return bytes(target.prefix() + relative);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IOException(target.url() + " did not answer within " + TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new IOException(target.url() + ": " + describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** A client error in a few words (gRPC status and description; never a value). */
  static String describe(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return cause == t ? message : message + " (" + cause + ")";
  }

  @Override
  public void close() {
    client.close();
  }
}
