package io.llmxds.filters.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * A store's lettuce client and its {@code poolSize} connections, handed out round-robin. A lettuce connection is
 * thread-safe and pipelines the commands of all its callers, and each of ours is one command (LRANGE or EVAL), so no
 * caller ever needs a connection to itself: a borrow/return pool (commons-pool2, not on our classpath) would add a
 * checkout to every command and buy nothing. N shared connections spread the load over N sockets and N server-side
 * client buffers, and one stuck socket delays only its share of the requests.
 */
final class RedisConnections implements AutoCloseable {

  /** How often a cluster client re-reads the topology when nothing told it to. */
  private static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(10);
  /** The least time between two refreshes that MOVED/ASK, reconnects or unknown nodes trigger. */
  private static final Duration ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);

  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final List<StatefulConnection<String, String>> connections = new ArrayList<>();
  private final List<RedisClusterCommands<String, String>> commands = new ArrayList<>();
  private final List<RedisClusterAsyncCommands<String, String>> asyncCommands = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private Disposable topologyFollower = Disposables.disposed();

  private RedisConnections(ClientResources resources, AbstractRedisClient client) {
    this.resources = resources;
    this.client = client;
  }

  /** Connects every connection of a {@code redis} or {@code redis-cluster} spec now. */
  static RedisConnections open(StoreSpec spec) throws StoreException {
    check(spec);
    try {
      return openOnce(spec);
    } catch (StoreException e) {
      if (!RedisFailure.closedDuringHandshake(e)) {
        throw e;
      }
      // Seen once in a full test run: lettuce 7.7 (Netty 4.2) reported a WRONGPASS as "Connection closed
      // prematurely", the close it starts on a failed handshake overtaking the error. A server that really closes
      // (a TLS port) closes again, so a second attempt tells the two apart.
      return openOnce(spec);
    }
  }

  private static RedisConnections openOnce(StoreSpec spec) throws StoreException {
    ClientResources resources = LettuceOptions.resources();
    RedisConnections opened;
    try {
      opened = new RedisConnections(resources, spec.type() == StoreSpec.Type.REDIS
          ? standaloneClient(spec, resources)
          : clusterClient(spec, resources));
    } catch (StoreException | RuntimeException e) {
      resources.shutdown();
      throw e;
    }
    try {
      opened.connect(spec);
      return opened;
    } catch (RuntimeException e) {
      opened.close();
      throw RedisFailure.atOpen(spec, e);
    } catch (StoreException e) {
      opened.close();
      throw e;
    }
  }

  private static RedisClient standaloneClient(StoreSpec spec, ClientResources resources) throws StoreException {
    RedisClient client = RedisClient.create(resources, LettuceOptions.uri(spec, spec.addresses().get(0)));
    client.setOptions(LettuceOptions.apply(ClientOptions.builder(), spec).build());
    return client;
  }

  private static RedisClusterClient clusterClient(StoreSpec spec, ClientResources resources) throws StoreException {
    RedisClusterClient client = RedisClusterClient.create(resources,
        spec.addresses().stream().map(address -> LettuceOptions.uri(spec, address)).toList());
    client.setOptions(LettuceOptions.apply(ClusterClientOptions.builder(), spec)
        .topologyRefreshOptions(topologyRefresh())
        .build());
    return client;
  }

  private void connect(StoreSpec spec) throws StoreException {
    if (client instanceof RedisClient standalone) {
      for (int i = 0; i < spec.poolSize(); i++) {
        StatefulRedisConnection<String, String> connection = standalone.connect();
        connections.add(connection);
        commands.add(connection.sync());
        asyncCommands.add(connection.async());
      }
      return;
    }
    List<StatefulRedisClusterConnection<String, String>> clusterConnections = new ArrayList<>();
    for (int i = 0; i < spec.poolSize(); i++) {
      StatefulRedisClusterConnection<String, String> connection = ((RedisClusterClient) client).connect();
      connections.add(connection);
      commands.add(connection.sync());
      asyncCommands.add(connection.async());
      clusterConnections.add(connection);
      ClusterMasters.connect(spec, connection);
    }
    topologyFollower = ClusterMasters.followTopology(resources, clusterConnections);
  }

  /**
   * A killed master, a failover or a moved slot is seen on the next MOVED/ASK redirect, failed reconnects or an
   * unknown node (adaptive), and at the latest after a period; slots stay with a failed master until the cluster
   * says otherwise, so its keys fail fast (not connected) while the other masters' keys keep working.
   */
  private static ClusterTopologyRefreshOptions topologyRefresh() {
    return ClusterTopologyRefreshOptions.builder()
        .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
        .enableAllAdaptiveRefreshTriggers()
        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_MIN_INTERVAL)
        .build();
  }

  private static void check(StoreSpec spec) throws StoreException {
    String problem = null;
    if (spec.type() == StoreSpec.Type.REDIS && spec.addresses().size() != 1) {
      problem = "redis takes exactly one address, got " + spec.addresses().size();
    } else if (spec.type() == StoreSpec.Type.REDIS_CLUSTER && spec.addresses().isEmpty()) {
      problem = "redis-cluster needs at least one seed address";
    } else if (spec.type() == StoreSpec.Type.REDIS_CLUSTER && spec.database() != 0) {
      problem = "redis-cluster has only database 0, not " + spec.database();
    } else if (spec.database() < 0) {
      problem = "database must be 0 or more, was " + spec.database();
    } else if (spec.poolSize() < 1) {
      problem = "poolSize must be at least 1, was " + spec.poolSize();
    } else if (!isPositive(spec.connectTimeout()) || !isPositive(spec.commandTimeout())) {
      problem = "connectTimeout and commandTimeout must be positive";
    } else if (spec.username().isPresent() && spec.password().isEmpty()) {
      problem = "username " + spec.username().get() + " has no password (ACL AUTH needs one)";
    }
    if (problem != null) {
      throw new StoreException(spec.label() + ": " + problem);
    }
  }

  private static boolean isPositive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** The next connection's commands, round-robin. */
  RedisClusterCommands<String, String> next() {
    return commands.get(nextIndex());
  }

  /** The next connection's asynchronous commands (same round-robin): their futures complete on lettuce's threads. */
  RedisClusterAsyncCommands<String, String> nextAsync() {
    return asyncCommands.get(nextIndex());
  }

  private int nextIndex() {
    return Math.floorMod(next.getAndIncrement(), commands.size());
  }

  @Override
  public void close() {
    topologyFollower.dispose();
    connections.forEach(StatefulConnection::close);
    client.shutdown();
    resources.shutdown();
  }
}
