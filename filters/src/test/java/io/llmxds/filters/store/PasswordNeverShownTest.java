package io.llmxds.filters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmxds.filters.testing.LocalRedis;
import io.llmxds.filters.testing.StoreSpecs;
import io.llmxds.filters.testing.TestStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A store's password appears in no spec's text and in no failure: not the message, nor any cause in the trace. */
class PasswordNeverShownTest {

  private static final String PASSWORD = "Zq9-never-shown-7Xk";

  private static String trace(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aSpecsTextSaysOnlyThatAPasswordIsSet() {
    StoreSpec spec = StoreSpecs.redis(new StoreSpec.Address("10.0.0.9", 6379)).name("new-redis").user("ctx", PASSWORD)
        .build();

    assertThat(spec.toString())
        .isEqualTo("StoreSpec[ContextStore/new-redis: redis://10.0.0.9:6379/0, username=ctx, password=<set>, "
            + "connectTimeout=PT2S, commandTimeout=PT2S, poolSize=1]")
        .doesNotContain(PASSWORD);
    assertThat(spec.label()).doesNotContain(PASSWORD);
  }

  @Test
  void noFailureOfAStoreWithAPasswordShowsIt() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (LocalRedis redis = LocalRedis.startTls("--requirepass", "the-right-one")) {
      StoreSpecs plain = StoreSpecs.redis(redis.address()).password(PASSWORD);
      failures.add(openFailure(plain.build())); // WRONGPASS
      failures.add(openFailure(StoreSpecs.redis(redis.address()).user("nobody", PASSWORD).build()));
      failures.add(openFailure(StoreSpecs.redis(new StoreSpec.Address("127.0.0.1", closed)).password(PASSWORD).build()));
      failures.add(openFailure(StoreSpecs.redis(redis.tlsAddress()).password(PASSWORD)
          .tls("wrong.test", Optional.of(LocalRedis.testCaPem())).build()));
      failures.add(openFailure(StoreSpecs.cluster(List.of(redis.address())).password(PASSWORD).build())); // not a cluster
      failures.add(openFailure(StoreSpecs.redis(redis.address()).password(PASSWORD).poolSize(0).build()));

      try (ContextStore store = TestStores.FACTORY.open(StoreSpecs.redis(redis.address()).password("the-right-one")
          .commandTimeout(Duration.ofMillis(200)).build())) {
        redis.cli("-a", "the-right-one", "client", "pause", "1000", "ALL");
        failures.add(catchThrowable(() -> store.tail("llmxds:ctx:paused", 1))); // a command's failure
      }
    }

    assertThat(failures).hasSize(7).allSatisfy(e -> {
      assertThat(e).isInstanceOf(StoreException.class);
      assertThat(trace(e)).doesNotContain(PASSWORD);
    });
  }

  private static Throwable openFailure(StoreSpec spec) {
    return catchThrowable(() -> TestStores.FACTORY.open(spec).close());
  }
}
