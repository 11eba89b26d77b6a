package io.llmxds.cp.verify.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@link Re2Program} against RE2 itself: {@code verify/load/re2-program-sizes.tsv} holds {@code ProgramSize()} of
 * 2,649 regexes (model-name alternations as llm-xds builds them, random literal/group/alternation/anchor mixes
 * with non-ASCII and escaped runes, alternations of single runes across UTF-8 lengths), measured with libre2
 * (Debian's 20220601; its parser, compiler and flattening are those of the 2023-11-01 release Envoy v1.34.0 builds,
 * but for refactoring) by {@code re2-program-size.cc} on the regexes {@code re2-program-corpus.py} generates.
 */
class Re2ProgramTest {

  @Test
  void theSizesAreRe2s() throws IOException {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        Re2ProgramTest.class.getResourceAsStream("/verify/load/re2-program-sizes.tsv"), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int tab = line.indexOf('\t');
        int expected = Integer.parseInt(line.substring(0, tab));
        String regex = line.substring(tab + 1);
        OptionalInt size = Re2Program.size(regex);
        if (size.isEmpty() || size.getAsInt() != expected) {
          wrong.add(regex + " -> " + size + ", RE2: " + expected);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(2649);
    assertThat(wrong).isEmpty();
  }

  @Test
  void syntaxOutsideThePortHasNoSize() {
    assertThat(Re2Program.size("^a+$")).isEmpty();
    assertThat(Re2Program.size("[ab]")).isEmpty();
    assertThat(Re2Program.size("a.b")).isEmpty();
    assertThat(Re2Program.size("(?i:a)")).isEmpty();
    assertThat(Re2Program.size("\\d")).isEmpty();
    assertThat(Re2Program.size("(a")).isEmpty();
  }
}
