package io.llmxds.cp.conformance;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test backends: one gRPC server per name on a loopback port the OS chooses, each answering the unary method
 * {@value #METHOD} with its own name. Raw bytes both ways, so no .proto is needed on either side (the Node client
 * calls the same method with identity serializers, the Python one with none).
 */
final class EchoBackends implements AutoCloseable {
  static final String METHOD = "llmxds.test.Echo/Who";

  /** The method as a client calls it. */
  static final MethodDescriptor<byte[], byte[]> WHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(METHOD)
      .setRequestMarshaller(Bytes.INSTANCE)
      .setResponseMarshaller(Bytes.INSTANCE)
      .build();

  private final Map<String, Server> servers;

  private EchoBackends(Map<String, Server> servers) {
    this.servers = servers;
  }

  static EchoBackends start(List<String> names) {
    Map<String, Server> servers = new LinkedHashMap<>();
    try {
      for (String name : names) {
        byte[] answer = name.getBytes(StandardCharsets.UTF_8);
        ServerServiceDefinition echo = ServerServiceDefinition.builder("llmxds.test.Echo")
            .addMethod(WHO, ServerCalls.asyncUnaryCall((request, reply) -> {
              reply.onNext(answer);
              reply.onCompleted();
            }))
            .build();
        servers.put(name, NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(echo)
            .build()
            .start());
      }
      return new EchoBackends(servers);
    } catch (IOException e) {
      servers.values().forEach(Server::shutdownNow);
      throw new UncheckedIOException(e);
    }
  }

  List<String> names() {
    return new ArrayList<>(servers.keySet());
  }

  int port(String name) {
    return servers.get(name).getPort();
  }

  @Override
  public void close() {
    servers.values().forEach(Server::shutdownNow);
    for (Server server : servers.values()) {
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Messages as the bytes they are. */
  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
