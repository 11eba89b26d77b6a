package io.llmxds.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import com.google.common.io.CountingInputStream;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Decodes a {@link DiscoveryResponse} keeping only what a client needs to ACK it (version_info, type_url, nonce),
 * skipping the resources (and canary, control_plane) unless {@code wantResources} says otherwise. Why: the benchmark's simulated Envoys run
 * in the server's JVM on the same cores; a real Envoy decodes its ~1 MB RDS copy on its own machine, so copying and
 * parsing 1,000 of them here would charge the clients' work to the server's latency.
 */
final class HeaderOnlyResponses implements MethodDescriptor.Marshaller<DiscoveryResponse> {
  private static final int VERSION_INFO = 1;
  private static final int TYPE_URL = 4;
  private static final int NONCE = 5;

  private final BooleanSupplier wantResources;
  private final LongAdder bytesRead;

  /** @param bytesRead counts the bytes of every response parsed, whole or header-only */
  HeaderOnlyResponses(BooleanSupplier wantResources, LongAdder bytesRead) {
    this.wantResources = wantResources;
    this.bytesRead = bytesRead;
  }

  @Override
  public InputStream stream(DiscoveryResponse value) {
    return value.toByteString().newInput();
  }

  @Override
  public DiscoveryResponse parse(InputStream raw) {
    CountingInputStream stream = new CountingInputStream(raw);
    try {
      if (wantResources.getAsBoolean()) {
        return DiscoveryResponse.parseFrom(stream);
      }
      CodedInputStream in = CodedInputStream.newInstance(stream);
      in.setSizeLimit(Integer.MAX_VALUE);
      DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case VERSION_INFO -> response.setVersionInfo(in.readStringRequireUtf8());
          case TYPE_URL -> response.setTypeUrl(in.readStringRequireUtf8());
          case NONCE -> response.setNonce(in.readStringRequireUtf8());
          default -> in.skipField(tag);
        }
      }
      return response.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      bytesRead.add(stream.getCount());
    }
  }
}
