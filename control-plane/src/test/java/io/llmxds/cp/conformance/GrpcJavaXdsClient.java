package io.llmxds.cp.conformance;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java's xDS client (io.grpc:grpc-xds), in this JVM: a channel to {@code xds:///<route>}.
 *
 * <p>grpc-java reads its bootstrap once per JVM (the system property {@value #BOOTSTRAP_PROPERTY}), so the xDS
 * server address cannot change between tests: every control plane this client talks to must listen on
 * {@link #XDS_PORT}, a port the OS picked once for this JVM. That is also what a restart test needs (the successor
 * takes over the same address). No other test in this JVM may set the property.
 */
final class GrpcJavaXdsClient implements XdsTestClient {
  static final String BOOTSTRAP_PROPERTY = "io.grpc.xds.bootstrapConfig";
  static final String NODE_ID = "grpc-java-conformance";
  static final int XDS_PORT = LoopbackPorts.free();

  static {
    if (System.getProperty(BOOTSTRAP_PROPERTY) != null) {
      throw new IllegalStateException(BOOTSTRAP_PROPERTY + " is already set; grpc-java would ignore a second one");
    }
    System.setProperty(BOOTSTRAP_PROPERTY, XdsBootstrap.json(XDS_PORT, NODE_ID));
  }

  private static final long DEADLINE_SECONDS = 5;

  private final ManagedChannel channel;

  private GrpcJavaXdsClient(ManagedChannel channel) {
    this.channel = channel;
  }

  static GrpcJavaXdsClient dial(String route) {
    ManagedChannel channel = Grpc.newChannelBuilder("xds:///" + route, InsecureChannelCredentials.create()).build();
    // Channels are lazy: connecting now starts the xDS subscription before the first call.
    channel.getState(true);
    return new GrpcJavaXdsClient(channel);
  }

  @Override
  public String nodeId() {
    return NODE_ID;
  }

  @Override
  public Calls call(int count) {
    Map<String, Integer> byBackend = new HashMap<>();
    Map<String, Integer> errors = new HashMap<>();
    for (int i = 0; i < count; i++) {
      try {
        byte[] answer = ClientCalls.blockingUnaryCall(channel, EchoBackends.WHO,
            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), new byte[0]);
        byBackend.merge(new String(answer, StandardCharsets.UTF_8), 1, Integer::sum);
      } catch (StatusRuntimeException e) {
        errors.merge(e.getStatus().getCode() + ": " + e.getStatus().getDescription(), 1, Integer::sum);
      }
    }
    return new Calls(byBackend, errors);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
