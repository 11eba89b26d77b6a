package io.llmxds.cp.verify.load;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What Envoy checks when it builds an HttpConnectionManager ({@code HttpConnectionManagerConfig}). */
final class HcmRules {

  private HcmRules() {}

  /** {@code use_remote_address} (the translation sets it: the gateway is the edge) excludes IP detection extensions. */
  static final Each<HttpConnectionManager> REMOTE_ADDRESS_WITHOUT_IP_DETECTION = Each.rejects(
      "source/extensions/filters/network/http_connection_manager/config.cc:494-498", LoadedConfig::hcms,
      Each.reasonAt(Where.root().field("original_ip_detection_extensions"),
          hcm -> hcm.getOriginalIpDetectionExtensionsCount() > 0 && hcm.getUseRemoteAddress().getValue()
              ? "Original IP detection extensions and use_remote_address may not be mixed" : null));

  /** llm-xds's rule: of two tracing custom tags with one name, Envoy keeps the first ({@code emplace}). */
  static final Each<HttpConnectionManager> CUSTOM_TAGS_UNIQUE = Each.ignored(
      "source/common/tracing/tracer_config_impl.h:56-58", LoadedConfig::hcms, (hcm, report) -> {
        List<CustomTag> tags = hcm.getTracing().getCustomTagsList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tags.size(); i++) {
          if (!seen.add(tags.get(i).getTag())) {
            report.at(Where.root().field("tracing").item("custom_tags", i),
                "a second custom tag named '" + tags.get(i).getTag() + "'");
          }
        }
      });
}
