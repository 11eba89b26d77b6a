package io.llmxds.filters.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The store shared by several ext_proc replicas: one Redis list per key, through one lettuce connection (thread-safe,
 * pipelined). Every write is one Lua script, so it is atomic: append = RPUSH + LTRIM + PEXPIRE; create = the same
 * behind an EXISTS check. While Redis is unreachable commands are rejected at once (not queued), and a command that
 * gets no answer fails after the command timeout: a request then degrades per its policy's failure mode instead of
 * hanging. Lettuce reconnects in the background (at most a second apart) and the store works again.
 */
public final class RedisContextStore implements ContextStore {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  // ARGV: keep, ttl in ms, entries...
  private static final String APPEND =
      "redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))\n"
          + "redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)\n"
          + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
          + "return 1";
  private static final String CREATE_IF_ABSENT =
      "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n" + APPEND;

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> commands;

  private RedisContextStore(
      ClientResources resources, RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.commands = connection.sync();
  }

  /**
   * Connects to {@code redis://host:port[/db]}; fails when Redis cannot be reached now (the URI's password, if any,
   * never appears in the message).
   */
  public static RedisContextStore connect(String uri, Duration commandTimeout) throws StoreException {
    RedisURI redisUri;
    try {
      redisUri = RedisURI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new StoreException("not a redis URI (redis://host:port[/db])");
    }
    redisUri.setTimeout(commandTimeout);
    ClientResources resources =
        DefaultClientResources.builder()
            .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
            .build();
    RedisClient client = RedisClient.create(resources, redisUri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout(commandTimeout)).build())
            .build());
    try {
      return new RedisContextStore(resources, client, client.connect());
    } catch (RedisException e) {
      client.shutdown();
      resources.shutdown();
      throw new StoreException(
          "redis at " + redisUri.getHost() + ":" + redisUri.getPort() + " unreachable: " + e.getMessage(), e);
    }
  }

  // A (re)connect is TCP plus the HELLO handshake: it gets at least a second even when commands get less.
  private static Duration connectTimeout(Duration commandTimeout) {
    return commandTimeout.compareTo(MIN_CONNECT_TIMEOUT) > 0 ? commandTimeout : MIN_CONNECT_TIMEOUT;
  }

  @Override
  public List<String> tail(String key, int max) throws StoreException {
    if (max < 1) {
      return List.of(); // LRANGE -0 -1 would be the whole list
    }
    try {
      return commands.lrange(key, -max, -1);
    } catch (RedisException e) {
      throw failed("read", e);
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
      Long wrote = commands.eval(script, ScriptOutputType.INTEGER, new String[] {key}, args);
      return wrote == 1L;
    } catch (RedisException e) {
      throw failed("write", e);
    }
  }

  // Lettuce's messages name the failure (timeout, not connected, a server error), never a command's arguments.
  private static StoreException failed(String op, RedisException e) {
    return new StoreException("redis " + op + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
    resources.shutdown();
  }
}
