package io.llmxds.filters.server;

import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.RedisContextStore;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreFactory;
import io.llmxds.filters.store.StoreSpec;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The stores this build can open: {@code memory}, and single-node {@code redis} without TLS (one connection; the
 * spec's connect timeout and pool size are not used). A store it cannot open is a {@link StoreException} like an
 * unreachable one, so its config is NACKed. To be replaced by the store package's factory, which opens every kind.
 */
public final class MemoryAndRedisStoreFactory implements StoreFactory {
  private final long memoryMaxChars;

  public MemoryAndRedisStoreFactory(long memoryMaxChars) {
    this.memoryMaxChars = memoryMaxChars;
  }

  @Override
  public ContextStore open(StoreSpec spec) throws StoreException {
    if (spec.type() == StoreSpec.Type.MEMORY) {
      return new InMemoryContextStore(memoryMaxChars);
    }
    if (spec.type() != StoreSpec.Type.REDIS || spec.tls().isPresent()) {
      throw new StoreException(spec.label() + ": this build opens memory and plain redis stores only");
    }
    try {
      return RedisContextStore.connect(uri(spec), spec.commandTimeout());
    } catch (StoreException e) {
      throw new StoreException(spec.label() + ": " + e.getMessage(), e);
    }
  }

  /** {@code redis://[user:password@]host:port/db}; without a user name, Redis's {@code default} user. */
  private static String uri(StoreSpec spec) throws StoreException {
    String userInfo = spec.password().map(p -> spec.username().orElse("default") + ":" + p).orElse(null);
    StoreSpec.Address address = spec.addresses().get(0);
    try {
      return new URI("redis", userInfo, address.host(), address.port(), "/" + spec.database(), null, null)
          .toASCIIString();
    } catch (URISyntaxException e) {
      throw new StoreException(spec.label() + ": not a valid redis address");
    }
  }
}
