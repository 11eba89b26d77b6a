package io.llmxds.examples.local;

import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import io.llmxds.examples.mockllm.MockLlm;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A mock LLM for every provider of the policies that lives on this machine (its base URL's host is a loopback
 * name), listening where the policies say it is; providers elsewhere (a real API) are left alone.
 */
public final class MockProviders implements AutoCloseable {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  /** A running mock and the provider it stands in for. */
  public record Mock(Provider provider, MockLlm llm) {}

  private final List<Mock> mocks;
  private final List<Provider> remote;

  private MockProviders(List<Mock> mocks, List<Provider> remote) {
    this.mocks = List.copyOf(mocks);
    this.remote = List.copyOf(remote);
  }

  /**
   * Starts the mocks, each answering after {@code latency} and failing {@code errorRate} of its requests with 503.
   * A port that is taken fails the whole start (closing the mocks already started), naming provider and port.
   */
  public static MockProviders start(PolicyBundle bundle, Duration latency, double errorRate) throws IOException {
    List<Mock> mocks = new ArrayList<>();
    List<Provider> remote = new ArrayList<>();
    try {
      for (Provider provider : bundle.providers()) {
        if (!isLocal(provider)) {
          remote.add(provider);
          continue;
        }
        MockLlm.Settings settings = new MockLlm.Settings(provider.name(), provider.host(), provider.port(), latency,
            errorRate, 503);
        mocks.add(new Mock(provider, startMock(provider, settings)));
      }
    } catch (IOException | RuntimeException e) {
      mocks.forEach(m -> m.llm().close());
      throw e;
    }
    return new MockProviders(mocks, remote);
  }

  /** A plain-HTTP provider on a loopback name: the stack has no certificate to serve an https one with. */
  public static boolean isLocal(Provider provider) {
    return !provider.tls() && LOOPBACK.contains(provider.host());
  }

  private static MockLlm startMock(Provider provider, MockLlm.Settings settings) throws IOException {
    try {
      return MockLlm.start(settings);
    } catch (BindException e) {
      throw new BindException("provider '" + provider.name() + "': port " + provider.port() + " on "
          + provider.host() + " is already in use, so its mock LLM cannot start (stop what holds it, or change "
          + "the provider's baseUrl)");
    }
  }

  public List<Mock> mocks() {
    return mocks;
  }

  /** The providers that got no mock: requests routed to them leave this machine. */
  public List<Provider> remote() {
    return remote;
  }

  @Override
  public void close() {
    mocks.forEach(m -> m.llm().close());
  }
}
