package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.List;

/** What Envoy checks when it builds a listener (LDS) itself ({@code ListenerImpl}). */
final class ListenerRules {

  private ListenerRules() {}

  /**
   * A listener binds an IP address: its {@code address} goes through the IP resolver ({@code inet_pton} / numeric
   * {@code getaddrinfo}, network/resolver_impl.cc:29-34), so a host name (the Gateway's {@code listener.address}
   * may be one) is "malformed IP address". Checked for socket addresses without a {@code resolver_name}.
   */
  static final Each<Listener> ADDRESS_IS_IP = Each.rejects(
      "source/common/listener_manager/listener_impl.cc:352-353", ListenerRules::listeners,
      Each.reasonAt(Where.root().field("address").field("socket_address").field("address"), listener -> {
        SocketAddress socket = listener.getAddress().getSocketAddress();
        return !listener.getAddress().hasSocketAddress() || !socket.getResolverName().isEmpty()
            || ClusterRules.isIp(socket.getAddress()) ? null : "malformed IP address: " + socket.getAddress();
      }));

  private static List<Located<Listener>> listeners(LoadedConfig config) {
    return config.resources().listeners().stream().map(l -> new Located<>(l, Where.root(), l)).toList();
  }
}
