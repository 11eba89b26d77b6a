package io.llmxds.cp.publish;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import java.util.concurrent.ExecutionException;

/**
 * Packs each resource into an {@code Any} once for all streams, like java-control-plane's
 * {@code CachedProtoResourcesSerializer}, but keyed by identity. That one keys by {@code equals}: when a reload brings
 * back content an earlier snapshot had (a rollback, an A/B swap reverted), every stream's lookup deep-compares the
 * new resource with the old cached one — 2,000 routes per stream, 98 % of the publisher's time at 1,000 streams
 * (docs/benchmarks.md, Propagation). A snapshot's resources are the same instances for every stream, so identity is
 * all the cache needs; weak keys let a replaced snapshot's entries go.
 */
final class IdentityCachingSerializer implements ProtoResourcesSerializer {
  private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();

  @Override
  public Any serialize(Message resource, ApiVersion apiVersion) {
    try {
      return packed.get(resource, () -> Any.pack(resource));
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot pack " + resource.getDescriptorForType().getFullName(), e);
    }
  }
}
