package io.llmxds.cp.verify.load;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Envoy checks when it builds a cluster's upstream TLS context ({@code ClientContextConfigImpl}). */
final class TlsRules {

  private static final String VALIDATION = "source/common/ssl/certificate_validation_context_config_impl.cc:";

  /** The PEM labels BoringSSL reads as X.509 certificates; other blocks (keys, CRLs) are skipped. */
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN (X509 CERTIFICATE|CERTIFICATE)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** The same bundle is on every https cluster of a snapshot, and in every snapshot: parse it once. */
  private static final Map<ByteString, Boolean> PARSED = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
          return size() > 32;
        }
      });

  private TlsRules() {}

  /**
   * {@code CertificateValidationContextConfigImpl::initialize()}: without a trusted CA (and without a custom
   * validator) a validation context may not carry SAN matchers, the deprecated untyped ones included (Envoy turns
   * each into one matcher per SAN type, lines 103-118). Envoy reads {@code trusted_ca} only: {@code system_root_certs}
   * is {@code [#not-implemented-hide:]} (only gRPC reads it) and is no CA here.
   */
  static final Each<CertificateValidationContext> SAN_MATCHERS = withoutCa(VALIDATION + "67-75",
      v -> v.getMatchTypedSubjectAltNamesCount() + v.getMatchSubjectAltNamesCount() > 0
          ? "SAN-based verification of peer certificates without trusted CA is insecure and not allowed" : null);

  /** The same, for a CRL; Envoy names the CRL's file, or {@code <inline>} (lines 28-30). */
  static final Each<CertificateValidationContext> CRL = withoutCa(VALIDATION + "67-71",
      v -> hasContent(v.getCrl()) ? "Failed to load CRL from " + path(v.getCrl()) + " without trusted CA" : null);

  /** The same, for {@code allow_expired_certificate}. */
  static final Each<CertificateValidationContext> ALLOW_EXPIRED = withoutCa(VALIDATION + "67-80",
      v -> v.getAllowExpiredCertificate() ? "Certificate validity period is always ignored without trusted CA" : null);

  /**
   * {@code DefaultCertValidator::initializeSslContexts}: an inline {@code trusted_ca} must hold at least one PEM
   * certificate, and every certificate block must decode ({@code PEM_X509_INFO_read_bio} fails on a bad block; a
   * bundle without a certificate leaves no CA). A file is read on Envoy's host and not checked here.
   */
  static final Each<CertificateValidationContext> INLINE_CA_PARSES = Each.rejects(
      "source/common/tls/cert_validator/default_validator.cc:75-108", LoadedConfig::validationContexts,
      Each.reasonAt(Where.root().field("trusted_ca"), v -> inlinePem(v.getTrustedCa()).isEmpty()
          || PARSED.computeIfAbsent(inlinePem(v.getTrustedCa()), TlsRules::holdsCertificates) ? null
          : "Failed to load trusted CA certificates from <inline>"));

  /** {@code ClientContextConfigImpl}: BoringSSL reads the SNI as a C string, so one with a NUL byte is rejected. */
  static final Each<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext> SNI_WITHOUT_NUL =
      Each.rejects("source/common/tls/context_config_impl.cc:372-377", LoadedConfig::upstreamTls,
          Each.reasonAt(Where.root().field("sni"),
              tls -> tls.getSni().indexOf('\0') >= 0 ? "SNI names containing NULL-byte are not allowed" : null));

  private static Each<CertificateValidationContext> withoutCa(String citation,
      Function<CertificateValidationContext, String> brokenWithoutCa) {
    return Each.rejects(citation, LoadedConfig::validationContexts, Each.reason(
        v -> hasContent(v.getTrustedCa()) || v.hasCustomValidatorConfig() ? null : brokenWithoutCa.apply(v)));
  }

  /**
   * Whether Envoy reads something from {@code source} (an empty one reads as "", line 53). A file or environment
   * variable is read on Envoy's host: llm-xds takes it as non-empty.
   */
  static boolean hasContent(DataSource source) {
    return switch (source.getSpecifierCase()) {
      case FILENAME -> !source.getFilename().isEmpty();
      case INLINE_BYTES -> !source.getInlineBytes().isEmpty();
      case INLINE_STRING -> !source.getInlineString().isEmpty();
      case ENVIRONMENT_VARIABLE -> !source.getEnvironmentVariable().isEmpty();
      case SPECIFIER_NOT_SET -> false;
    };
  }

  /** How Envoy names a data source in its messages (lines 25-30): the file, else {@code <inline>}. */
  static String path(DataSource source) {
    return source.getSpecifierCase() == DataSource.SpecifierCase.FILENAME ? source.getFilename() : "<inline>";
  }

  private static ByteString inlinePem(DataSource ca) {
    return switch (ca.getSpecifierCase()) {
      case INLINE_BYTES -> ca.getInlineBytes();
      case INLINE_STRING -> ca.getInlineStringBytes();
      default -> ByteString.EMPTY;
    };
  }

  /** At least one certificate block, and every one decodes as X.509. */
  static boolean holdsCertificates(ByteString pem) {
    Matcher block = BLOCK.matcher(pem.toString(StandardCharsets.ISO_8859_1));
    int certificates = 0;
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      while (block.find()) {
        x509.generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(block.group(2).trim())));
        certificates++;
      }
    } catch (CertificateException | IllegalArgumentException e) {
      return false;
    }
    return certificates > 0;
  }
}
