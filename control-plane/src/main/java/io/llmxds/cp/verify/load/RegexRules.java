package io.llmxds.cp.verify.load;

import com.google.protobuf.Message;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.llmxds.cp.verify.MessageFinder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code CompiledGoogleReMatcher}: Envoy compiles every {@code RegexMatcher} (header matchers, SAN matchers,
 * rate-limit header matches, {@code regex_rewrite}, ...) with RE2 when it builds the resource.
 */
final class RegexRules {

  private static final MessageFinder REGEXES = MessageFinder.of(RegexMatcher.class);

  private RegexRules() {}

  /**
   * A regex RE2 cannot compile is a NACK carrying RE2's error. Checked with re2j, RE2's Java port (the same syntax;
   * its error texts differ from RE2's).
   */
  static final Each<RegexMatcher> COMPILES = Each.rejects("source/common/common/regex.cc:44-51", RegexRules::all,
      Each.reason(matcher -> {
        String error = compileError(matcher.getRegex());
        return error == null ? null : "RE2 cannot compile the regex: " + error;
      }));

  /** The error re2j gives for {@code regex}, or null when it compiles. */
  static String compileError(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return e.getMessage();
    }
  }

  /** Every RegexMatcher in the clusters, listeners and route configurations. */
  static List<Located<RegexMatcher>> all(LoadedConfig config) {
    return config.memo(RegexRules.class, () -> {
      List<Located<RegexMatcher>> found = new ArrayList<>();
      List<Message> resources = new ArrayList<>(config.resources().clusters());
      resources.addAll(config.resources().listeners());
      resources.addAll(config.resources().routes());
      for (Message resource : resources) {
        REGEXES.visit(resource, config.anys(), (matcher, path) ->
            found.add(new Located<>(resource, Where.root().rendered(path.get()), (RegexMatcher) matcher)));
      }
      return found;
    });
  }
}
