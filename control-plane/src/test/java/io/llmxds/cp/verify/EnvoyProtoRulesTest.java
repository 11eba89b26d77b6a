package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.Translator;
import org.junit.jupiter.api.Test;

class EnvoyProtoRulesTest {

  @Test
  void theTranslatedExampleSatisfiesEnvoysRules() {
    assertThat(EnvoyProtoRules.violations(Translator.translate(Bundles.example()))).isEmpty();
  }

  @Test
  void theCheckerFindsBrokenRules() {
    LocalRateLimit broken = LocalRateLimit.newBuilder()
        .addDescriptors(LocalRateLimitDescriptor.getDefaultInstance())
        .build();
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder().setName("v").addDomains("*")
            .addRoutes(Route.newBuilder().putTypedPerFilterConfig("x", Any.pack(broken))
                .putTypedPerFilterConfig("y", Any.pack(Cluster.getDefaultInstance()))))
        .build();
    assertThat(EnvoyProtoRules.violations(routes)).contains(
        "RouteConfiguration.virtual_hosts[0].routes[0].match: required",
        "RouteConfiguration.virtual_hosts[0].routes[0]: oneof action is required",
        "RouteConfiguration.virtual_hosts[0].routes[0].typed_per_filter_config[0].value<LocalRateLimit>.stat_prefix:"
            + " shorter than 1",
        "RouteConfiguration.virtual_hosts[0].routes[0].typed_per_filter_config[0].value<LocalRateLimit>"
            + ".descriptors[0].entries: at least 1 items",
        "RouteConfiguration.virtual_hosts[0].routes[0].typed_per_filter_config[0].value<LocalRateLimit>"
            + ".descriptors[0].token_bucket: required",
        "RouteConfiguration.virtual_hosts[0].routes[0].typed_per_filter_config[1].value:"
            + " Any of unknown type type.googleapis.com/envoy.config.cluster.v3.Cluster");
  }
}
