package io.llmxds.filters.extproc;

import io.llmxds.filters.context.RequestPolicy;
import java.util.Optional;

/**
 * What the control plane told the service about one ext_proc stream (its gRPC initial metadata).
 *
 * @param upstream the stream of the upstream model rewriter ({@code x-llm-phase: upstream}), not of a client request
 * @param policy the context policy, empty when the route has none (the service keeps no context then)
 * @param fallback the built-in default policy replaced missing or unreadable metadata
 */
public record StreamPolicy(boolean upstream, Optional<RequestPolicy> policy, boolean fallback) {}
