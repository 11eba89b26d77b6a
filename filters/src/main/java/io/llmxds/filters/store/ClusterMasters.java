package io.llmxds.filters.store;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.util.ArrayList;
import java.util.List;
import reactor.core.Disposable;

/**
 * Lettuce connects to a cluster node on the first command for it, and with REJECT_COMMANDS it rejects every command
 * sent while that connection is still being made (measured: the first command to each master failed "not
 * connected"). So the store connects to every master when it opens, and again to the masters a topology change
 * brings (a promoted replica, a new node), before commands need them.
 */
final class ClusterMasters {

  private ClusterMasters() {}

  /** Connects {@code connection} to every master that holds slots; fails naming the first it cannot reach. */
  static void connect(StoreSpec spec, StatefulRedisClusterConnection<String, String> connection)
      throws StoreException {
    for (RedisURI master : masters(connection.getPartitions())) {
      try {
        connection.getConnection(master.getHost(), master.getPort());
      } catch (RedisException e) {
        throw RedisFailure.atOpen(spec, "master " + master.getHost() + ":" + master.getPort(), e);
      }
    }
  }

  /** From now on, connects {@code connections} to the masters of each new topology, in the background. */
  static Disposable followTopology(
      ClientResources resources, List<StatefulRedisClusterConnection<String, String>> connections) {
    return resources.eventBus().get()
        .ofType(ClusterTopologyChangedEvent.class)
        .subscribe(changed -> {
          for (RedisURI master : masters(changed.after())) {
            for (StatefulRedisClusterConnection<String, String> connection : connections) {
              try {
                connection.getConnectionAsync(master.getHost(), master.getPort());
              } catch (RuntimeException e) {
                // Not now (closing, or no longer in the topology): a failure is the next command's to report, and
                // a thrown error would end this subscription.
              }
            }
          }
        });
  }

  private static List<RedisURI> masters(Iterable<RedisClusterNode> nodes) {
    List<RedisURI> masters = new ArrayList<>();
    for (RedisClusterNode node : nodes) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
        masters.add(node.getUri());
      }
    }
    return masters;
  }
}
