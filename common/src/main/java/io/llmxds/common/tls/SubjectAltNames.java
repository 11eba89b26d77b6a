package io.llmxds.common.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The URI and DNS subject alternative names of a certificate: what identifies a node (docs/xds-server.md, "Node
 * identity"). Other SAN kinds (IP, e-mail) identify no node and are listed only for messages.
 */
public record SubjectAltNames(List<String> uris, List<String> dnsNames, List<String> others) {
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  public static SubjectAltNames of(X509Certificate cert) {
    List<String> uris = new ArrayList<>();
    List<String> dns = new ArrayList<>();
    List<String> others = new ArrayList<>();
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      names = null;
    }
    if (names != null) {
      for (List<?> name : names) {
        int kind = (Integer) name.get(0);
        String value = String.valueOf(name.get(1));
        switch (kind) {
          case URI -> uris.add(value);
          case DNS -> dns.add(value);
          case IP -> others.add("IP:" + value);
          default -> others.add(kind + ":" + value);
        }
      }
    }
    return new SubjectAltNames(List.copyOf(uris), List.copyOf(dns), List.copyOf(others));
  }

  /** Each name with its kind, as openssl prints them: {@code URI:spiffe://…}, {@code DNS:…}, {@code IP:…}. */
  public List<String> all() {
    List<String> all = new ArrayList<>();
    uris.forEach(u -> all.add("URI:" + u));
    dnsNames.forEach(d -> all.add("DNS:" + d));
    all.addAll(others);
    return all;
  }

  @Override
  public String toString() {
    return all().toString();
  }
}
