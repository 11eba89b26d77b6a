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

  /**
   * The default of the runtime key {@code re2.max_program_size.error_level} (regex.cc:55-56); envoy/bootstrap.yaml
   * does not set it. An Envoy whose runtime raises it accepts larger programs than llm-xds does.
   */
  static final int MAX_PROGRAM_SIZE = 100;

  /**
   * A regex whose RE2 program is larger than the limit is a NACK: {@code re2.max_program_size.error_level}, or the
   * deprecated {@code google_re2.max_program_size} when the matcher sets one (regex.cc:76-93). The size is RE2's
   * ({@link Re2Program}) for the syntax llm-xds builds (literals, groups, alternations, anchors); other regexes are
   * not judged. An alternation of model names passes 100 at about ten names, fewer when they are long and share
   * no prefixes.
   */
  static final Each<RegexMatcher> PROGRAM_SIZE = Each.rejects("source/common/common/regex.cc:53-63",
      RegexRules::all, (matcher, report) -> {
        if (compileError(matcher.getRegex()) != null) {
          return;
        }
        Re2Program.size(matcher.getRegex()).ifPresent(size -> {
          boolean own = matcher.getGoogleRe2().hasMaxProgramSize();
          int max = own ? matcher.getGoogleRe2().getMaxProgramSize().getValue() : MAX_PROGRAM_SIZE;
          if (Integer.toUnsignedLong(size) > Integer.toUnsignedLong(max)) {
            String prefix = "regex '" + matcher.getRegex() + "' RE2 program size of " + size + " > max program size of "
                + Integer.toUnsignedString(max);
            if (own) {
              report.cited(Where.root(), prefix + ". Increase configured max program size if necessary.",
                  "source/common/common/regex.cc:83-91");
            } else {
              report.at(Where.root(), prefix + " set for the error level threshold. Increase configured max program "
                  + "size if necessary.");
            }
          }
        });
      });

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
