package io.llmxds.examples.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.llmxds.common.testing.TestPki;
import io.llmxds.common.tls.ReloadingTls;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.testing.TestTelemetry;
import io.llmxds.examples.mockllm.MockLlmClient;
import io.llmxds.filters.extproc.FakeEnvoy;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.testing.LoopbackContextServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context service on mutual TLS at both ends: it follows a control plane whose xDS port requires client
 * certificates (its own names its node id), and its ext_proc port serves Envoy's certificate and refuses a client
 * without one.
 */
class ContextServiceOverMutualTlsTest {
  @TempDir Path tmp;

  @Test
  void theServiceGetsItsConfigOverMutualTlsAndItsPortRefusesAClientWithoutACertificate() throws Exception {
    TestPki ca = TestPki.create(tmp, "ca");
    TlsFiles controlPlane = ca.issue("control-plane", "IP:127.0.0.1", "DNS:localhost");
    TlsFiles serviceAsNode = ca.issue("context-service-test", "URI:spiffe://llm-xds/node/context-service-test");
    TlsFiles servicePort = ca.issue("context-service-port", "IP:127.0.0.1", "DNS:localhost");
    TlsFiles envoy = ca.issue("envoy-edge-1", "URI:spiffe://llm-xds/node/envoy-edge-1", "DNS:envoy-edge-1");
    Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));

    try (LiveControlPlane cp = LiveControlPlane.serve(policies, tmp.resolve("admin-token"), 0, controlPlane);
         TestTelemetry telemetry = new TestTelemetry();
         ContextServer service = LoopbackContextServer.following(telemetry.telemetry(),
             cp.controlPlane().xdsPort(), serviceAsNode, servicePort);
         ReloadingTls envoyTls = ReloadingTls.forClient(envoy, ReloadingTls.DEFAULT_CHECK_PERIOD);
         FakeEnvoy withCertificate = FakeEnvoy.connectedTo(service.port(), envoyTls.channelCredentials())) {
      LoopbackContextServer.awaitConfig(service, cp.controlPlane().xds().current().orElseThrow().configVersion());

      String body = MockLlmClient.chat("chat", false, "hello");
      FakeEnvoy.Answers answers = withCertificate.exchange(Map.of(),
          FakeEnvoy.headers(":method", "POST", ":path", "/v1/chat/completions", "x-session-id", "s-tls"), body,
          forwarded -> new FakeEnvoy.Upstream(FakeEnvoy.headers(":status", "200", "content-type", "application/json"),
              List.of("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}"
                  .getBytes(StandardCharsets.UTF_8))));
      assertThat(answers.localReply()).isEmpty();

      assertThat(processWithoutACertificate(service.port(), ca.ca()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  /** How an ext_proc stream ends for a client that trusts the CA but shows no certificate. */
  private static Status processWithoutACertificate(int port, Path caFile) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port,
        TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build()).build();
    try {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<ProcessingRequest> requests = ExternalProcessorGrpc.newStub(channel).process(
          new StreamObserver<ProcessingResponse>() {
            @Override
            public void onNext(ProcessingResponse value) {
              ended.completeExceptionally(new AssertionError("answered a client without a certificate"));
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              ended.complete(Status.OK);
            }
          });
      requests.onNext(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.getDefaultInstance()).build());
      return ended.get(15, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
