package io.llmxds.cp.conformance;

/** A real xDS client, not written here, that calls {@link EchoBackends#METHOD} through {@code xds:///<route>}. */
interface XdsTestClient extends AutoCloseable {

  /** The node id of its bootstrap, as the control plane sees it. */
  String nodeId();

  /** Makes {@code count} unary calls, one after another, each with its own deadline. */
  Calls call(int count);

  @Override
  void close();
}
