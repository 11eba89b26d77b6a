package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {

  private final Listener listener = ListenerTranslator.translate(Bundles.example(), HttpFilters.ORDERED);
  private final HttpConnectionManager hcm = Unpack.hcm(listener);

  @Test
  void listensOnTheGatewayAddressWithTheRequestBufferLimit() {
    assertThat(listener.getName()).isEqualTo("edge");
    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(10000);
    assertThat(listener.getPerConnectionBufferLimitBytes().getValue()).isEqualTo(8 * 1024 * 1024);
    assertThat(listener.getFilterChains(0).getFilters(0).getName()).isEqualTo(Names.HTTP_CONNECTION_MANAGER);
  }

  @Test
  void routesComeFromAdsUnderTheGatewayName() {
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("edge");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getCodecType()).isEqualTo(HttpConnectionManager.CodecType.AUTO);
    assertThat(hcm.getUseRemoteAddress().getValue()).isTrue();
    assertThat(hcm.getStreamIdleTimeout().getSeconds()).isEqualTo(300);
    assertThat(hcm.hasRequestTimeout()).isTrue();
    assertThat(hcm.getRequestTimeout().getSeconds()).isZero();
  }

  @Test
  void filtersRunExtProcThenRateLimitThenRouterLast() {
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly(Names.EXT_PROC_FILTER, Names.LOCAL_RATELIMIT_FILTER, Names.ROUTER_FILTER);
  }

  @Test
  void extProcBuffersBodiesAndMayBeSwitchedToStreaming() {
    ExternalProcessor extProc = Unpack.any(hcm.getHttpFilters(0).getTypedConfig(), ExternalProcessor.class);
    assertThat(extProc.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo(Names.CONTEXT_SERVICE_CLUSTER);
    assertThat(extProc.getProcessingMode().getRequestHeaderMode()).isEqualTo(HeaderSendMode.SEND);
    assertThat(extProc.getProcessingMode().getRequestBodyMode()).isEqualTo(BodySendMode.BUFFERED);
    assertThat(extProc.getProcessingMode().getResponseHeaderMode()).isEqualTo(HeaderSendMode.SEND);
    assertThat(extProc.getProcessingMode().getResponseBodyMode()).isEqualTo(BodySendMode.BUFFERED);
    assertThat(extProc.getProcessingMode().getRequestTrailerMode()).isEqualTo(HeaderSendMode.SKIP);
    assertThat(extProc.getProcessingMode().getResponseTrailerMode()).isEqualTo(HeaderSendMode.SKIP);
    assertThat(extProc.getAllowModeOverride()).isTrue();
    assertThat(extProc.getFailureModeAllow()).isTrue();
    assertThat(extProc.getMessageTimeout().getSeconds()).isEqualTo(30);
  }

  @Test
  void listenerRateLimitIsInert() {
    LocalRateLimit limit = Unpack.any(hcm.getHttpFilters(1).getTypedConfig(), LocalRateLimit.class);
    assertThat(limit.getStatPrefix()).isNotEmpty();
    assertThat(limit.hasTokenBucket()).isFalse();
    assertThat(limit.hasFilterEnabled()).isFalse();
    assertThat(limit.hasFilterEnforced()).isFalse();
  }
}
