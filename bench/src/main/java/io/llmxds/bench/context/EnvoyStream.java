package io.llmxds.bench.context;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc.ExternalProcessorStub;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * Envoy's side of one ext_proc stream: sends each message once the previous one is answered (as Envoy does in
 * buffered mode), checks that every answer is of the message's kind, and reports the time from opening the stream to
 * the last answer.
 */
final class EnvoyStream implements StreamObserver<ProcessingResponse> {
  private final List<ProcessingRequest> messages;
  private final StepRecorder recorder;
  private final long opened;
  private StreamObserver<ProcessingRequest> requests;
  private int answered;
  private boolean historyAdded;
  private boolean finished;

  private EnvoyStream(List<ProcessingRequest> messages, StepRecorder recorder) {
    this.messages = messages;
    this.recorder = recorder;
    this.opened = System.nanoTime();
  }

  /** Opens the stream now and sends the first message; returns when the send is queued. */
  static void open(ExternalProcessorStub stub, List<ProcessingRequest> messages, StepRecorder recorder) {
    EnvoyStream stream = new EnvoyStream(messages, recorder);
    stream.requests = stub.process(stream);
    stream.requests.onNext(messages.get(0));
  }

  @Override
  public void onNext(ProcessingResponse answer) {
    if (finished) {
      return;
    }
    ProcessingRequest asked = messages.get(answered);
    if (!answersKind(asked, answer)) {
      fail("a " + answer.getResponseCase() + " answer to " + asked.getRequestCase());
      requests.onError(new IllegalStateException("unexpected answer"));
      return;
    }
    if (answer.hasRequestBody() && answer.getRequestBody().getResponse().hasBodyMutation()) {
      historyAdded = true;
    }
    answered++;
    if (answered < messages.size()) {
      requests.onNext(messages.get(answered));
    } else {
      finished = true;
      recorder.completed(System.nanoTime() - opened, historyAdded);
      requests.onCompleted();
    }
  }

  @Override
  public void onError(Throwable t) {
    fail(t.toString());
  }

  @Override
  public void onCompleted() {
    fail("stream closed after " + answered + " answers");
  }

  private void fail(String reason) {
    if (!finished) {
      finished = true;
      recorder.failed(reason);
    }
  }

  private static boolean answersKind(ProcessingRequest asked, ProcessingResponse answer) {
    return switch (asked.getRequestCase()) {
      case REQUEST_HEADERS -> answer.hasRequestHeaders();
      case REQUEST_BODY -> answer.hasRequestBody();
      case RESPONSE_HEADERS -> answer.hasResponseHeaders();
      case RESPONSE_BODY -> answer.hasResponseBody();
      default -> false;
    };
  }
}
