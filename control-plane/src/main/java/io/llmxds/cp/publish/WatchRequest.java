package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Set;
import java.util.function.Consumer;

/** The arguments of one {@code createWatch} call, kept so a parked watch can be created later. */
record WatchRequest(
    boolean ads,
    XdsRequest request,
    Set<String> knownResourceNames,
    Consumer<Response> responseConsumer,
    boolean hasClusterChanged,
    boolean allowDefaultEmptyEdsUpdate) {

  Watch createOn(ConfigWatcher watcher) {
    return watcher.createWatch(
        ads, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
  }

  String typeUrl() {
    return request.getTypeUrl();
  }
}
