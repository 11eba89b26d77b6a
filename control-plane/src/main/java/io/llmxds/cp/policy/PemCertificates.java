package io.llmxds.cp.policy;

/**
 * CA certificates a policy names ({@code Provider.spec.tls.caFile}), read and checked by the loader. Not secret: the
 * translation sends the PEM text to Envoy inline, so that an Envoy on another machine or in a container needs no file.
 *
 * @param file the path as written in the policy
 * @param pem the file's PEM text (one or more {@code CERTIFICATE} blocks)
 * @param count how many certificates it holds
 */
public record PemCertificates(String file, String pem, int count) {}
