package io.llmxds.filters.store;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The store shared by several ext_proc replicas: one Redis list per key, on a standalone Redis or a Redis Cluster
 * (the same commands: lettuce's cluster client routes each to its key's slot, EVAL by its first key). Every write is
 * one Lua script on its one key, so it is atomic (and one slot): append = RPUSH + LTRIM + PEXPIRE; create = the same
 * behind an EXISTS check. While Redis is unreachable commands are rejected at once (not queued), and a command that
 * gets no answer fails after the command timeout: a request then degrades per its policy's failure mode instead of
 * hanging. Lettuce reconnects in the background (at most a second apart) and the store works again.
 */
public final class RedisContextStore implements ContextStore, ScriptedStore {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

  /** The key {@link #open} reads and runs a script on; no session's key ({@code llmxds:ctx:v<n>:…}) is ever it. */
  static final String PROBE_KEY = "llmxds:ctx:probe";

  // ARGV: keep, ttl in ms, entries...
  private static final String APPEND =
      "redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))\n"
          + "redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)\n"
          + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
          + "return 1";
  private static final String CREATE_IF_ABSENT =
      "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n" + APPEND;
  private static final String PROBE = "return 1";

  private final StoreSpec spec;
  private final RedisConnections connections;

  private RedisContextStore(StoreSpec spec, RedisConnections connections) {
    this.spec = spec;
    this.connections = connections;
  }

  /**
   * Connects a {@code redis} or {@code redis-cluster} store now and checks that it answers the commands the store
   * runs (an ACL user may lack them); fails naming the cause.
   */
  static RedisContextStore open(StoreSpec spec) throws StoreException {
    RedisContextStore store = new RedisContextStore(spec, RedisConnections.open(spec));
    try {
      RedisClusterCommands<String, String> commands = store.connections.next();
      commands.lrange(PROBE_KEY, 0, 0);
      commands.eval(PROBE, ScriptOutputType.INTEGER, PROBE_KEY);
      return store;
    } catch (RedisException e) {
      store.close();
      throw RedisFailure.atOpen(spec, e);
    }
  }

  @Override
  public List<String> tail(String key, int max) throws StoreException {
    if (max < 1) {
      return List.of(); // LRANGE -0 -1 would be the whole list
    }
    try {
      return connections.next().lrange(key, -max, -1);
    } catch (RedisException e) {
      throw RedisFailure.inCommand(spec, "read", e);
    }
  }

  @Override
  public void append(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
    if (!entries.isEmpty()) {
      write(APPEND, key, entries, keep, ttl);
    }
  }

  @Override
  public boolean createIfAbsent(String key, List<String> entries, int keep, Duration ttl) throws StoreException {
    return !entries.isEmpty() && write(CREATE_IF_ABSENT, key, entries, keep, ttl);
  }

  private boolean write(String script, String key, List<String> entries, int keep, Duration ttl)
      throws StoreException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, was " + keep); // LTRIM -0 -1 would keep all
    }
    String[] args = new String[entries.size() + 2];
    args[0] = Integer.toString(keep);
    args[1] = Long.toString(ttl.toMillis());
    for (int i = 0; i < entries.size(); i++) {
      args[i + 2] = entries.get(i);
    }
    try {
      Long wrote = connections.next().eval(script, ScriptOutputType.INTEGER, new String[] {key}, args);
      return wrote == 1L;
    } catch (RedisException e) {
      throw RedisFailure.inCommand(spec, "write", e);
    }
  }

  @Override
  public CompletableFuture<List<Long>> run(LuaScript script, List<String> keys, List<String> args) {
    String[] keyArray = keys.toArray(String[]::new);
    String[] argArray = args.toArray(String[]::new);
    RedisClusterAsyncCommands<String, String> commands = connections.nextAsync();
    // The async API: the command timeout (TimeoutOptions, LettuceOptions) fails these futures too, so an unanswered
    // script ends in RedisCommandTimeoutException like the synchronous call did, without a thread waiting for it.
    return this.<List<Long>>command(() -> commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keyArray, argArray))
        .exceptionallyCompose(e -> cause(e) instanceof RedisNoScriptException
            ? command(() -> commands.eval(script.body(), ScriptOutputType.MULTI, keyArray, argArray)) // caches it too
            : CompletableFuture.failedFuture(e))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(cause(e) instanceof RedisException redis
            ? RedisFailure.inCommand(spec, "count", redis) : cause(e)));
  }

  /** A command's future; lettuce may also throw at once (a rejected command), which becomes a failed future. */
  private <T> CompletableFuture<T> command(Supplier<RedisFuture<T>> send) {
    try {
      return send.get().toCompletableFuture();
    } catch (RedisException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public void close() {
    connections.close();
  }
}
