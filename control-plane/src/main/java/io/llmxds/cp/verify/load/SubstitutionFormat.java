package io.llmxds.cp.verify.load;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's substitution format parser ({@code SubstitutionFormatParser::parse}), which runs at load time on every
 * format string: local reply bodies, header values to add, rate-limit {@code hits_addend} formats. A {@code %} starts
 * a command {@code %COMMAND(ARGS):LENGTH%} ({@code %%} is a literal {@code %}); the command must be one a built-in
 * parser knows, with the arguments and length its syntax flags allow. What each command does with its arguments at
 * load time beyond that (e.g. a header name's characters) is not checked.
 */
final class SubstitutionFormat {

  static final String PARSER = "source/common/formatter/substitution_formatter.cc:276-354";

  /** Envoy's command regex, verbatim (substitution_formatter.cc:40-41); re2j matches it as RE2 does. */
  private static final Pattern COMMAND =
      Pattern.compile("^%((?:[A-Z]|[0-9]|_)+)(?:\\((.*?)\\))?(?::([0-9]+))?%");

  private static final BigInteger SIZE_T_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** {@code CommandSyntaxChecker} flags (substitution_format_utility.h). */
  private enum Syntax { COMMAND_ONLY, PARAMS_OPTIONAL, PARAMS_REQUIRED, PARAMS_OPTIONAL_LENGTH, PARAMS_REQUIRED_LENGTH }

  private static final Map<String, Syntax> BUILT_IN = builtIn();

  /** {@code METADATA(TYPE:...)}'s types (source/extensions/formatter/metadata/metadata.cc:81-114). */
  private static final Set<String> METADATA_TYPES =
      Set.of("DYNAMIC", "CLUSTER", "ROUTE", "UPSTREAM_HOST", "LISTENER", "VIRTUAL_HOST");

  /** The outcome: Envoy's error (null when it parses) and how many formatter providers the string becomes. */
  record Parsed(String error, String citation, int providers) {
    boolean ok() {
      return error == null;
    }
  }

  private SubstitutionFormat() {}

  static Parsed parse(String format) {
    int providers = 0;
    boolean pendingText = false;
    int pos = 0;
    while (pos < format.length()) {
      if (format.charAt(pos) != '%') {
        pendingText = true;
        pos++;
        continue;
      }
      if (pos + 1 < format.length() && format.charAt(pos + 1) == '%') {
        pendingText = true;
        pos += 2;
        continue;
      }
      if (pendingText) {
        providers++;
        pendingText = false;
      }
      Matcher command = COMMAND.matcher(format.substring(pos));
      if (!command.lookingAt() || (command.group(3) != null
          && new BigInteger(command.group(3)).compareTo(SIZE_T_MAX) > 0)) {
        return failed("Incorrect configuration: " + format + ". Couldn't find valid command at position "
            + format.substring(0, pos).getBytes(StandardCharsets.UTF_8).length,
            "source/common/formatter/substitution_formatter.cc:309-311");
      }
      String error = commandError(command.group(1), command.group(2) == null ? "" : command.group(2),
          command.group(3) != null);
      if (error != null) {
        return failed(error, citation(command.group(1)));
      }
      providers++;
      pos += command.end();
    }
    if (pendingText || format.isEmpty()) {
      providers++;
    }
    return new Parsed(null, null, providers);
  }

  private static Parsed failed(String error, String citation) {
    return new Parsed(error, citation, 0);
  }

  /** Envoy's message when {@code command} cannot be built from these arguments, else null. */
  private static String commandError(String command, String arguments, boolean length) {
    if (command.equals("CEL")) {
      return null; // the CEL formatter parses the expression; not checked here
    }
    if (command.equals("METADATA")) {
      String type = arguments.split(":", -1)[0];
      return METADATA_TYPES.contains(type) ? null : type + " is not supported type of metadata";
    }
    Syntax syntax = BUILT_IN.get(command);
    if (syntax == null) {
      return "Not supported field in StreamInfo: " + command;
    }
    // CommandSyntaxChecker::verifySyntax (substitution_format_utility.cc:17-35).
    if (syntax == Syntax.COMMAND_ONLY && (!arguments.isEmpty() || length)) {
      return command + " does not take any parameters or length";
    }
    if ((syntax == Syntax.PARAMS_REQUIRED || syntax == Syntax.PARAMS_REQUIRED_LENGTH) && arguments.isEmpty()) {
      return command + " requires parameters";
    }
    if (syntax != Syntax.PARAMS_OPTIONAL_LENGTH && syntax != Syntax.PARAMS_REQUIRED_LENGTH && length) {
      return command + " does not allow length to be specified.";
    }
    return null;
  }

  private static String citation(String command) {
    if (command.equals("METADATA")) {
      return "source/extensions/formatter/metadata/metadata.cc:129-132";
    }
    return BUILT_IN.containsKey(command) ? "source/common/formatter/substitution_format_utility.cc:21-33"
        : "source/common/formatter/substitution_formatter.cc:339-341";
  }

  /**
   * The commands of the two built-in parsers and their flags: stream info
   * (source/common/formatter/stream_info_formatter.cc:816-1890, 114 commands) and HTTP
   * (source/common/formatter/http_specific_formatter.cc:380-470).
   */
  private static Map<String, Syntax> builtIn() {
    Map<String, Syntax> commands = new HashMap<>();
    List.of("REQUEST_DURATION", "REQUEST_TX_DURATION", "RESPONSE_DURATION", "RESPONSE_TX_DURATION",
        "DOWNSTREAM_HANDSHAKE_DURATION", "ROUNDTRIP_DURATION", "BYTES_RECEIVED", "BYTES_RETRANSMITTED",
        "PACKETS_RETRANSMITTED", "UPSTREAM_WIRE_BYTES_RECEIVED", "UPSTREAM_HEADER_BYTES_RECEIVED",
        "DOWNSTREAM_WIRE_BYTES_RECEIVED", "DOWNSTREAM_HEADER_BYTES_RECEIVED", "PROTOCOL", "UPSTREAM_PROTOCOL",
        "RESPONSE_CODE", "CONNECTION_TERMINATION_DETAILS", "BYTES_SENT", "UPSTREAM_WIRE_BYTES_SENT",
        "UPSTREAM_HEADER_BYTES_SENT", "DOWNSTREAM_WIRE_BYTES_SENT", "DOWNSTREAM_HEADER_BYTES_SENT", "DURATION",
        "CUSTOM_FLAGS", "RESPONSE_FLAGS", "RESPONSE_FLAGS_LONG", "UPSTREAM_HOST_NAME",
        "UPSTREAM_HOST_NAME_WITHOUT_PORT", "UPSTREAM_HOST", "UPSTREAM_CONNECTION_ID", "UPSTREAM_CLUSTER",
        "UPSTREAM_CLUSTER_RAW", "UPSTREAM_LOCAL_ADDRESS", "UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
        "UPSTREAM_LOCAL_PORT", "UPSTREAM_REMOTE_ADDRESS", "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
        "UPSTREAM_REMOTE_PORT", "UPSTREAM_REQUEST_ATTEMPT_COUNT", "UPSTREAM_TLS_CIPHER", "UPSTREAM_TLS_VERSION",
        "UPSTREAM_TLS_SESSION_ID", "UPSTREAM_PEER_ISSUER", "UPSTREAM_PEER_CERT", "UPSTREAM_PEER_SUBJECT",
        "DOWNSTREAM_LOCAL_ADDRESS", "DOWNSTREAM_DIRECT_LOCAL_ADDRESS", "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
        "DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT", "DOWNSTREAM_LOCAL_PORT", "DOWNSTREAM_DIRECT_LOCAL_PORT",
        "DOWNSTREAM_REMOTE_ADDRESS", "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT", "DOWNSTREAM_REMOTE_PORT",
        "DOWNSTREAM_DIRECT_REMOTE_ADDRESS", "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT",
        "DOWNSTREAM_DIRECT_REMOTE_PORT", "CONNECTION_ID", "REQUESTED_SERVER_NAME", "ROUTE_NAME",
        "UPSTREAM_PEER_URI_SAN", "UPSTREAM_PEER_DNS_SAN", "UPSTREAM_PEER_IP_SAN", "UPSTREAM_LOCAL_URI_SAN",
        "UPSTREAM_LOCAL_DNS_SAN", "UPSTREAM_LOCAL_IP_SAN", "DOWNSTREAM_PEER_URI_SAN", "DOWNSTREAM_PEER_DNS_SAN",
        "DOWNSTREAM_PEER_IP_SAN", "DOWNSTREAM_PEER_EMAIL_SAN", "DOWNSTREAM_PEER_OTHERNAME_SAN",
        "DOWNSTREAM_LOCAL_URI_SAN", "DOWNSTREAM_LOCAL_DNS_SAN", "DOWNSTREAM_LOCAL_IP_SAN",
        "DOWNSTREAM_LOCAL_EMAIL_SAN", "DOWNSTREAM_LOCAL_OTHERNAME_SAN", "DOWNSTREAM_PEER_SUBJECT",
        "DOWNSTREAM_LOCAL_SUBJECT", "DOWNSTREAM_TLS_SESSION_ID", "DOWNSTREAM_TLS_CIPHER", "DOWNSTREAM_TLS_VERSION",
        "DOWNSTREAM_PEER_FINGERPRINT_256", "DOWNSTREAM_PEER_FINGERPRINT_1", "DOWNSTREAM_PEER_SERIAL",
        "DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256", "DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1",
        "DOWNSTREAM_PEER_CHAIN_SERIALS", "DOWNSTREAM_PEER_ISSUER", "DOWNSTREAM_PEER_CERT",
        "DOWNSTREAM_TRANSPORT_FAILURE_REASON", "UPSTREAM_TRANSPORT_FAILURE_REASON", "HOSTNAME",
        "FILTER_CHAIN_NAME", "VIRTUAL_CLUSTER_NAME", "TLS_JA3_FINGERPRINT", "UNIQUE_ID", "STREAM_ID",
        "UPSTREAM_CONNECTION_POOL_READY_DURATION",
        // HTTP
        "LOCAL_REPLY_BODY", "ACCESS_LOG_TYPE", "GRPC_STATUS_NUMBER", "REQUEST_HEADERS_BYTES",
        "RESPONSE_HEADERS_BYTES", "RESPONSE_TRAILERS_BYTES", "TRACE_ID")
        .forEach(c -> commands.put(c, Syntax.COMMAND_ONLY));
    List.of("RESPONSE_CODE_DETAILS", "START_TIME", "START_TIME_LOCAL", "EMIT_TIME", "EMIT_TIME_LOCAL",
        "DOWNSTREAM_PEER_CERT_V_START", "DOWNSTREAM_PEER_CERT_V_END", "UPSTREAM_PEER_CERT_V_START",
        "UPSTREAM_PEER_CERT_V_END", "GRPC_STATUS").forEach(c -> commands.put(c, Syntax.PARAMS_OPTIONAL));
    List.of("COMMON_DURATION", "DYNAMIC_METADATA", "CLUSTER_METADATA", "UPSTREAM_METADATA")
        .forEach(c -> commands.put(c, Syntax.PARAMS_REQUIRED));
    List.of("FILTER_STATE", "UPSTREAM_FILTER_STATE", "PATH")
        .forEach(c -> commands.put(c, Syntax.PARAMS_OPTIONAL_LENGTH));
    List.of("ENVIRONMENT", "REQ", "RESP", "TRAILER", "STREAM_INFO_REQ", "QUERY_PARAM")
        .forEach(c -> commands.put(c, Syntax.PARAMS_REQUIRED_LENGTH));
    return Map.copyOf(commands);
  }
}
