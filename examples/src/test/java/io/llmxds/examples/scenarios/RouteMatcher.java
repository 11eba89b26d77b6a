package io.llmxds.examples.scenarios;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Map;
import java.util.Optional;

/**
 * Envoy's route match as far as the llm-xds translation uses it (docs/envoy-semantics.md R1, R6): the first route of
 * the virtual host whose path prefix or exact path and header matchers all fit, on the headers as they are when the match happens. A
 * string matcher is exact or RE2 {@code safe_regex} against the whole value; a missing header never matches. Anything
 * else fails loudly: the model implements the table and nothing more.
 */
final class RouteMatcher {

  private RouteMatcher() {}

  /** The first route of {@code host} for a request with these (lower-case) headers, {@code :path} included. */
  static Optional<Route> match(VirtualHost host, Map<String, String> headers) {
    String path = headers.getOrDefault(":path", "/");
    return host.getRoutesList().stream().filter(route -> matches(route.getMatch(), path, headers)).findFirst();
  }

  private static boolean matches(RouteMatch match, String path, Map<String, String> headers) {
    if (match.hasCaseSensitive()) {
      throw new AssertionError("case_sensitive is not modelled: " + match);
    }
    boolean pathMatches = switch (match.getPathSpecifierCase()) {
      case PREFIX -> path.startsWith(match.getPrefix());
      // R6: an exact path is compared without the query string and fragment.
      case PATH -> path.split("[?#]", 2)[0].equals(match.getPath());
      default -> throw new AssertionError("only prefix and path matches are modelled: " + match);
    };
    return pathMatches && match.getHeadersList().stream().allMatch(h -> matches(h, headers.get(h.getName())));
  }

  private static boolean matches(HeaderMatcher matcher, String value) {
    if (!matcher.hasStringMatch() || matcher.getInvertMatch()) {
      throw new AssertionError("only string_match header matchers are modelled: " + matcher);
    }
    return value != null && matches(matcher.getStringMatch(), value);
  }

  /** An exact or RE2 whole-value match, as Envoy's StringMatcherImpl does them. */
  static boolean matches(StringMatcher matcher, String value) {
    if (matcher.getIgnoreCase()) {
      throw new AssertionError("ignore_case is not modelled: " + matcher);
    }
    return switch (matcher.getMatchPatternCase()) {
      case EXACT -> matcher.getExact().equals(value);
      case SAFE_REGEX -> com.google.re2j.Pattern.compile(matcher.getSafeRegex().getRegex()).matches(value);
      default -> throw new AssertionError("string matcher not modelled: " + matcher);
    };
  }
}
