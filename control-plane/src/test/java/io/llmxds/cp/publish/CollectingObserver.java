package io.llmxds.cp.publish;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what a gRPC stream delivers, for raw protocol checks. */
final class CollectingObserver<T> implements StreamObserver<T> {

  private final List<T> values = new CopyOnWriteArrayList<>();
  private volatile Throwable error;

  @Override
  public void onNext(T value) {
    values.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {}

  List<T> values() {
    return List.copyOf(values);
  }

  Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }
}
