package io.llmxds.cp.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each character loop accepts exactly what PGV's expression accepts. */
class HeaderSyntaxTest {

  @ParameterizedTest
  @EnumSource(HeaderSyntax.class)
  void agreesWithThePgvExpression(HeaderSyntax syntax) {
    Pattern expression = Pattern.compile(syntax.expression());
    for (String s : samples()) {
      assertThat(syntax.matches(s)).as("%s on %s", syntax, escape(s)).isEqualTo(expression.matcher(s).find());
    }
  }

  /** Every BMP character alone, with a leading ':' and between letters; random strings with supplementary ones. */
  private static List<String> samples() {
    List<String> samples = new ArrayList<>(List.of("", ":", "::", ":a", "a:", "x-llm-model", "Bearer sk-1"));
    for (char c = 0; c < 0xFFFF; c++) {
      if (Character.isSurrogate(c)) {
        continue;
      }
      samples.add(String.valueOf(c));
      samples.add(":" + c);
      samples.add("a" + c + "b");
    }
    Random random = new Random(42);
    int[] pool = {0, 9, 10, 13, 31, 32, ':', ',', '-', 'a', 'Z', '~', 0x7F, 0x80, 0xE9, 0x1F600};
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        s.appendCodePoint(pool[random.nextInt(pool.length)]);
      }
      samples.add(s.toString());
    }
    return samples;
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().forEach(cp -> out.append(String.format("\\u%04x", cp)));
    return out.toString();
  }
}
