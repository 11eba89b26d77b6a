package io.llmxds.filters.config;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.llmxds.common.DataPathConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The xDS node a context service is (docs/data-path-config.md "The node"). */
public final class ContextServiceNode {

  private ContextServiceNode() {}

  static Node of(String id) {
    return Node.newBuilder()
        .setId(id)
        .setCluster(DataPathConfig.NODE_CLUSTER)
        .setMetadata(Struct.newBuilder().putFields(DataPathConfig.FLAVOR_KEY,
            Value.newBuilder().setStringValue(DataPathConfig.FLAVOR).build()))
        .build();
  }

  /** {@code context-service-<hostname>}: the id without {@code --node-id}. */
  public static String defaultId() {
    try {
      return "context-service-" + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "context-service-" + ProcessHandle.current().pid();
    }
  }
}
