package io.llmxds.cp.verify.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * {@code RE2::ProgramSize()} of a regex, which Envoy compares with {@code re2.max_program_size.error_level} (100 by
 * default) when it compiles a {@code RegexMatcher} (source/common/common/regex.cc:53-63). A port of the parts of RE2
 * 2023-11-01 (the version Envoy v1.34.0 builds: bazel/repository_locations.bzl) that decide the size, for the regexes
 * llm-xds builds: literals (any rune; a backslash before ASCII punctuation), {@code ^}, {@code $}, {@code (...)},
 * {@code (?:...)} and {@code |}. That is re2/parse.cc (the parse stack, {@code MaybeConcatString},
 * {@code FactorAlternation} rounds 1-3), re2/regexp.cc ({@code RequiredPrefix}: RE2 matches a leading literal after
 * {@code ^} outside the program, re2.cc:244-255), re2/compile.cc (the instructions, anchors, the unanchored
 * {@code .*?} loop, character classes as UTF-8 byte-range tries) and re2/prog.cc ({@code Optimize},
 * {@code Flatten}, whose output is the size). Other syntax gives no size (empty): the rule then judges nothing.
 * {@code Re2ProgramTest} compares it with libre2 on a corpus.
 */
final class Re2Program {

  private Re2Program() {}

  /** The program size RE2 gives {@code regex}, or empty when the regex uses syntax outside the port. */
  static OptionalInt size(String regex) {
    Node parsed = new Parser(regex).parse();
    if (parsed == null) {
      return OptionalInt.empty();
    }
    Node suffix = requiredPrefixSuffix(parsed);
    return OptionalInt.of(new Compiler().compile(suffix == null ? parsed : suffix));
  }

  // ---- Regexp (re2/regexp.h) ----

  private enum Op {
    NO_MATCH, EMPTY_MATCH, LITERAL, LITERAL_STRING, CONCAT, ALTERNATE, CHAR_CLASS, CAPTURE, BEGIN_TEXT, END_TEXT,
    LEFT_PAREN, VERTICAL_BAR;

    boolean marker() {
      return this == LEFT_PAREN || this == VERTICAL_BAR;
    }
  }

  private static final class Node {
    Op op;
    int rune;
    List<Integer> runes = new ArrayList<>();
    List<Node> subs = new ArrayList<>();
    int cap;
    /** A character class: sorted, merged (abutting ranges too) {lo, hi} pairs. */
    TreeMap<Integer, Integer> ranges;
    Node down;

    Node(Op op) {
      this.op = op;
    }

    static Node literal(int rune) {
      Node n = new Node(Op.LITERAL);
      n.rune = rune;
      return n;
    }

    /** {@code Regexp::LiteralString}. */
    static Node literalString(List<Integer> runes) {
      if (runes.isEmpty()) {
        return new Node(Op.EMPTY_MATCH);
      }
      if (runes.size() == 1) {
        return literal(runes.get(0));
      }
      Node n = new Node(Op.LITERAL_STRING);
      n.runes = new ArrayList<>(runes);
      return n;
    }

    /** {@code Regexp::ConcatOrAlternate} (without the 65535-subexpression split). */
    static Node concatOrAlternate(Op op, List<Node> subs, boolean canFactor) {
      if (subs.size() == 1) {
        return subs.get(0);
      }
      if (subs.isEmpty()) {
        return new Node(op == Op.ALTERNATE ? Op.NO_MATCH : Op.EMPTY_MATCH);
      }
      List<Node> list = new ArrayList<>(subs);
      if (op == Op.ALTERNATE && canFactor) {
        list = factorAlternation(list);
        if (list.size() == 1) {
          return list.get(0);
        }
      }
      Node n = new Node(op);
      n.subs = list;
      return n;
    }

    void swap(Node that) {
      Op o = op;
      op = that.op;
      that.op = o;
      int r = rune;
      rune = that.rune;
      that.rune = r;
      List<Integer> rs = runes;
      runes = that.runes;
      that.runes = rs;
      List<Node> s = subs;
      subs = that.subs;
      that.subs = s;
      int c = cap;
      cap = that.cap;
      that.cap = c;
      TreeMap<Integer, Integer> cc = ranges;
      ranges = that.ranges;
      that.ranges = cc;
    }
  }

  /** {@code CharClassBuilder::AddRange}: a union that merges overlapping and abutting ranges. */
  private static void addRange(TreeMap<Integer, Integer> ranges, int lo, int hi) {
    Map.Entry<Integer, Integer> left = ranges.floorEntry(lo);
    if (left != null && left.getValue() >= lo - 1) {
      lo = left.getKey();
      hi = Math.max(hi, left.getValue());
      ranges.remove(left.getKey());
    }
    Map.Entry<Integer, Integer> right = ranges.ceilingEntry(lo);
    while (right != null && right.getKey() <= hi + 1) {
      hi = Math.max(hi, right.getValue());
      ranges.remove(right.getKey());
      right = ranges.ceilingEntry(lo);
    }
    ranges.put(lo, hi);
  }

  // ---- Parsing (re2/parse.cc) ----

  private static final class Parser {
    private final String text;
    private Node stacktop;
    private int ncap;

    Parser(String text) {
      this.text = text;
    }

    /** The regexp, or null for syntax outside the port (or an error re2j reports anyway). */
    Node parse() {
      int i = 0;
      while (i < text.length()) {
        int c = text.codePointAt(i);
        switch (c) {
          case '(' -> {
            if (text.startsWith("(?:", i)) {
              push(marker(-1));
              i += 3;
              continue;
            }
            if (text.startsWith("(?", i)) {
              return null;
            }
            push(marker(++ncap));
          }
          case '|' -> doVerticalBar();
          case ')' -> {
            if (!doRightParen()) {
              return null;
            }
          }
          case '^' -> push(new Node(Op.BEGIN_TEXT));
          case '$' -> push(new Node(Op.END_TEXT));
          case '\\' -> {
            if (i + 1 >= text.length()) {
              return null;
            }
            int e = text.codePointAt(i + 1);
            if (e >= 0x80 || Character.isLetterOrDigit(e)) {
              return null;
            }
            pushLiteral(e);
            i += 2;
            continue;
          }
          case '.', '[', '*', '+', '?', '{' -> {
            return null;
          }
          default -> pushLiteral(c);
        }
        i += Character.charCount(c);
      }
      return doFinish();
    }

    private Node marker(int cap) {
      Node n = new Node(Op.LEFT_PAREN);
      n.cap = cap;
      return n;
    }

    /** {@code PushRegexp}. */
    private void push(Node re) {
      maybeConcatString(-1);
      re.down = stacktop;
      stacktop = re;
    }

    /** {@code PushLiteral} (no case folding, no NeverNL). */
    private void pushLiteral(int r) {
      if (maybeConcatString(r)) {
        return;
      }
      push(Node.literal(r));
    }

    /** {@code MaybeConcatString}: merges the top two literals; with {@code r >= 0}, reuses the top for it. */
    private boolean maybeConcatString(int r) {
      Node re1 = stacktop;
      Node re2 = re1 == null ? null : re1.down;
      if (re2 == null || !literalish(re1) || !literalish(re2)) {
        return false;
      }
      if (re2.op == Op.LITERAL) {
        re2.op = Op.LITERAL_STRING;
        re2.runes = new ArrayList<>(List.of(re2.rune));
      }
      if (re1.op == Op.LITERAL) {
        re2.runes.add(re1.rune);
      } else {
        re2.runes.addAll(re1.runes);
        re1.runes = new ArrayList<>();
      }
      if (r >= 0) {
        re1.op = Op.LITERAL;
        re1.rune = r;
        return true;
      }
      stacktop = re2;
      return false;
    }

    private static boolean literalish(Node n) {
      return n.op == Op.LITERAL || n.op == Op.LITERAL_STRING;
    }

    private void doVerticalBar() {
      maybeConcatString(-1);
      doConcatenation();
      Node r1 = stacktop;
      Node r2 = r1 == null ? null : r1.down;
      if (r2 != null && r2.op == Op.VERTICAL_BAR) {
        // (the AnyChar special cases cannot arise: no '.')
        r1.down = r2.down;
        r2.down = r1;
        stacktop = r2;
        return;
      }
      push(new Node(Op.VERTICAL_BAR));
    }

    private boolean doRightParen() {
      doAlternation();
      Node r1 = stacktop;
      Node r2 = r1 == null ? null : r1.down;
      if (r2 == null || r2.op != Op.LEFT_PAREN) {
        return false;
      }
      stacktop = r2.down;
      Node re;
      if (r2.cap > 0) {
        re = new Node(Op.CAPTURE);
        re.cap = r2.cap;
        r1.down = null;
        re.subs = new ArrayList<>(List.of(r1));
      } else {
        re = r1;
      }
      push(re);
      return true;
    }

    private Node doFinish() {
      doAlternation();
      Node re = stacktop;
      if (re != null && re.down != null) {
        return null; // missing )
      }
      stacktop = null;
      if (re != null) {
        re.down = null;
      }
      return re;
    }

    private void doConcatenation() {
      Node r1 = stacktop;
      if (r1 == null || r1.op.marker()) {
        push(new Node(Op.EMPTY_MATCH));
      }
      doCollapse(Op.CONCAT);
    }

    private void doAlternation() {
      doVerticalBar();
      Node r1 = stacktop;
      stacktop = r1.down;
      doCollapse(Op.ALTERNATE);
    }

    /** {@code DoCollapse}: the stack down to the first marker becomes one node, flattening nodes of the same op. */
    private void doCollapse(Op op) {
      Node next = null;
      Node sub = stacktop;
      int count = 0;
      for (; sub != null && !sub.op.marker(); sub = next) {
        next = sub.down;
        count++;
      }
      if (stacktop != null && stacktop.down == next) {
        return;
      }
      Deque<Node> subs = new ArrayDeque<>();
      for (sub = stacktop; sub != null && !sub.op.marker(); sub = next) {
        next = sub.down;
        if (sub.op == op) {
          for (int k = sub.subs.size() - 1; k >= 0; k--) {
            subs.addFirst(sub.subs.get(k));
          }
        } else {
          sub.down = null;
          subs.addFirst(sub);
        }
      }
      Node re = Node.concatOrAlternate(op, new ArrayList<>(subs), true);
      re.down = next;
      stacktop = re;
      assert count > 0;
    }
  }

  // ---- FactorAlternation (re2/parse.cc:908-1200) ----

  /** Factors common prefixes out of the alternatives, recursively (rounds 1 and 2 factor their suffixes). */
  private static List<Node> factorAlternation(List<Node> sub) {
    sub = round1(sub);
    sub = round2(sub);
    return round3(sub);
  }

  /** Round 1: common leading literal strings. */
  private static List<Node> round1(List<Node> sub) {
    List<Node> out = new ArrayList<>();
    int start = 0;
    List<Integer> rune = List.of();
    for (int i = 0; i <= sub.size(); i++) {
      List<Integer> runeI = List.of();
      if (i < sub.size()) {
        runeI = leadingString(sub.get(i));
        int same = 0;
        while (same < rune.size() && same < runeI.size() && rune.get(same).equals(runeI.get(same))) {
          same++;
        }
        if (same > 0) {
          rune = rune.subList(0, same);
          continue;
        }
      }
      if (i - start >= 2) {
        Node prefix = Node.literalString(new ArrayList<>(rune));
        List<Node> suffixes = new ArrayList<>();
        for (int j = start; j < i; j++) {
          removeLeadingString(sub.get(j), rune.size());
          suffixes.add(sub.get(j));
        }
        out.add(splice(prefix, factorAlternation(suffixes)));
      } else if (i - start == 1) {
        out.add(sub.get(start));
      }
      if (i < sub.size()) {
        start = i;
        rune = new ArrayList<>(runeI);
      }
    }
    return out;
  }

  /** Round 2: a common leading empty-width op or character class (the only simple pieces the port has). */
  private static List<Node> round2(List<Node> sub) {
    return runs(sub, Re2Program::leadingRegexp,
        (first, next) -> (first.op == Op.BEGIN_TEXT || first.op == Op.END_TEXT || first.op == Op.CHAR_CLASS)
            && equal(first, next),
        (run, first) -> {
          List<Node> suffixes = new ArrayList<>();
          run.forEach(re -> suffixes.add(removeLeadingRegexp(re)));
          return splice(first, factorAlternation(suffixes));
        });
  }

  /** Round 3: runs of literals and character classes become one character class. */
  private static List<Node> round3(List<Node> sub) {
    return runs(sub, re -> re, (first, next) -> (first.op == Op.LITERAL || first.op == Op.CHAR_CLASS)
        && (next.op == Op.LITERAL || next.op == Op.CHAR_CLASS), (run, first) -> {
          Node cc = new Node(Op.CHAR_CLASS);
          cc.ranges = new TreeMap<>();
          for (Node re : run) {
            if (re.op == Op.CHAR_CLASS) {
              re.ranges.forEach((lo, hi) -> addRange(cc.ranges, lo, hi));
            } else {
              addRange(cc.ranges, re.rune, re.rune);
            }
          }
          return cc;
        });
  }

  /**
   * The loop of rounds 2 and 3: splits {@code sub} into runs whose items' {@code key} continues the run's first
   * ({@code continues}), and replaces each run of two or more by {@code combine(run, first key)}.
   */
  private static List<Node> runs(List<Node> sub, Function<Node, Node> key, BiPredicate<Node, Node> continues,
      BiFunction<List<Node>, Node, Node> combine) {
    List<Node> out = new ArrayList<>();
    int start = 0;
    Node first = null;
    for (int i = 0; i <= sub.size(); i++) {
      Node keyI = null;
      if (i < sub.size()) {
        keyI = key.apply(sub.get(i));
        if (first != null && keyI != null && continues.test(first, keyI)) {
          continue;
        }
      }
      if (i - start >= 2) {
        out.add(combine.apply(sub.subList(start, i), first));
      } else if (i - start == 1) {
        out.add(sub.get(start));
      }
      if (i < sub.size()) {
        start = i;
        first = keyI;
      }
    }
    return out;
  }

  /** A factored prefix and its suffixes: {@code Concat(prefix, AlternateNoFactor(suffixes))}. */
  private static Node splice(Node prefix, List<Node> suffixes) {
    Node alternation = Node.concatOrAlternate(Op.ALTERNATE, suffixes, false);
    return Node.concatOrAlternate(Op.CONCAT, new ArrayList<>(List.of(prefix, alternation)), false);
  }

  private static List<Integer> leadingString(Node re) {
    while (re.op == Op.CONCAT && !re.subs.isEmpty()) {
      re = re.subs.get(0);
    }
    if (re.op == Op.LITERAL) {
      return List.of(re.rune);
    }
    return re.op == Op.LITERAL_STRING ? re.runes : List.of();
  }

  private static void removeLeadingString(Node re, int n) {
    Deque<Node> stk = new ArrayDeque<>();
    while (re.op == Op.CONCAT) {
      if (stk.size() < 4) {
        stk.push(re);
      }
      re = re.subs.get(0);
    }
    if (re.op == Op.LITERAL) {
      re.rune = 0;
      re.op = Op.EMPTY_MATCH;
    } else if (re.op == Op.LITERAL_STRING) {
      if (n >= re.runes.size()) {
        re.runes = new ArrayList<>();
        re.op = Op.EMPTY_MATCH;
      } else if (n == re.runes.size() - 1) {
        re.rune = re.runes.get(re.runes.size() - 1);
        re.runes = new ArrayList<>();
        re.op = Op.LITERAL;
      } else {
        re.runes = new ArrayList<>(re.runes.subList(n, re.runes.size()));
      }
    }
    while (!stk.isEmpty()) {
      re = stk.pop();
      if (re.subs.get(0).op == Op.EMPTY_MATCH) {
        if (re.subs.size() == 2) {
          Node old = re.subs.get(1);
          re.swap(old);
        } else {
          re.subs.remove(0);
        }
      }
    }
  }

  private static Node leadingRegexp(Node re) {
    if (re.op == Op.EMPTY_MATCH) {
      return null;
    }
    if (re.op == Op.CONCAT && re.subs.size() >= 2) {
      return re.subs.get(0).op == Op.EMPTY_MATCH ? null : re.subs.get(0);
    }
    return re;
  }

  private static Node removeLeadingRegexp(Node re) {
    if (re.op == Op.EMPTY_MATCH) {
      return re;
    }
    if (re.op == Op.CONCAT && re.subs.size() >= 2) {
      if (re.subs.get(0).op == Op.EMPTY_MATCH) {
        return re;
      }
      if (re.subs.size() == 2) {
        return re.subs.get(1);
      }
      re.subs.remove(0);
      return re;
    }
    return new Node(Op.EMPTY_MATCH);
  }

  /** {@code Regexp::Equal} for the ops round 2 compares. */
  private static boolean equal(Node a, Node b) {
    if (b == null || a.op != b.op) {
      return false;
    }
    return a.op != Op.CHAR_CLASS || a.ranges.equals(b.ranges);
  }

  // ---- RequiredPrefix (re2/regexp.cc:694-733) ----

  /** What RE2 compiles when the regex starts with {@code ^} and a literal: the rest; else null. */
  private static Node requiredPrefixSuffix(Node re) {
    if (re.op != Op.CONCAT) {
      return null;
    }
    int i = 0;
    while (i < re.subs.size() && re.subs.get(i).op == Op.BEGIN_TEXT) {
      i++;
    }
    if (i == 0 || i >= re.subs.size()) {
      return null;
    }
    Node first = re.subs.get(i);
    if (first.op != Op.LITERAL && first.op != Op.LITERAL_STRING) {
      return null;
    }
    i++;
    if (i < re.subs.size()) {
      return Node.concatOrAlternate(Op.CONCAT, new ArrayList<>(re.subs.subList(i, re.subs.size())), false);
    }
    return new Node(Op.EMPTY_MATCH);
  }

  // ---- Compiling (re2/compile.cc) and flattening (re2/prog.cc) ----

  private enum Opcode { FAIL, ALT, ALT_MATCH, BYTE_RANGE, CAPTURE, EMPTY_WIDTH, MATCH, NOP }

  private static final class Inst {
    Opcode opcode;
    int out;
    int out1;
    int lo;
    int hi;
    boolean foldcase;

    Inst(Opcode opcode) {
      this.opcode = opcode;
    }
  }

  /** A program fragment; {@code end} lists the unpatched outs as {@code id << 1 | (out1 ? 1 : 0)}. */
  private record Frag(int begin, List<Integer> end, boolean nullable) {
    static final Frag NO_MATCH = new Frag(0, List.of(), false);
  }

  private static final class Compiler {
    private final List<Inst> inst = new ArrayList<>();
    private final Map<Long, Integer> runeCache = new HashMap<>();
    private Frag runeRange;

    Compiler() {
      inst.add(new Inst(Opcode.FAIL));
    }

    int compile(Node re) {
      Node sre = re;
      boolean anchorStart = false;
      Node[] holder = {sre};
      if (stripAnchor(holder, 0, Op.BEGIN_TEXT)) {
        anchorStart = true;
      }
      stripAnchor(holder, 0, Op.END_TEXT);
      Frag all = walk(holder[0]);
      all = cat(all, match());
      int start = all.begin();
      if (!anchorStart) {
        all = cat(dotStar(), all);
      }
      int startUnanchored = all.begin();
      if (start == 0 && startUnanchored == 0) {
        while (inst.size() > 1) {
          inst.remove(inst.size() - 1);
        }
      }
      optimize(start);
      return flatten(start, startUnanchored);
    }

    private int alloc(Inst i) {
      inst.add(i);
      return inst.size() - 1;
    }

    private void patch(List<Integer> list, int value) {
      for (int p : list) {
        Inst i = inst.get(p >> 1);
        if ((p & 1) != 0) {
          i.out1 = value;
        } else {
          i.out = value;
        }
      }
    }

    private static List<Integer> append(List<Integer> a, List<Integer> b) {
      List<Integer> both = new ArrayList<>(a);
      both.addAll(b);
      return both;
    }

    private Frag cat(Frag a, Frag b) {
      if (a.begin() == 0 || b.begin() == 0) {
        return Frag.NO_MATCH;
      }
      Inst begin = inst.get(a.begin());
      if (begin.opcode == Opcode.NOP && a.end().equals(List.of(a.begin() << 1)) && begin.out == 0) {
        patch(a.end(), b.begin());
        return b;
      }
      patch(a.end(), b.begin());
      return new Frag(a.begin(), b.end(), a.nullable() && b.nullable());
    }

    private Frag alt(Frag a, Frag b) {
      if (a.begin() == 0) {
        return b;
      }
      if (b.begin() == 0) {
        return a;
      }
      Inst i = new Inst(Opcode.ALT);
      i.out = a.begin();
      i.out1 = b.begin();
      return new Frag(alloc(i), append(a.end(), b.end()), a.nullable() || b.nullable());
    }

    /** {@code Star(a, nongreedy)} for a non-nullable {@code a}. */
    private Frag starNonGreedy(Frag a) {
      Inst i = new Inst(Opcode.ALT);
      i.out = 0;
      i.out1 = a.begin();
      int id = alloc(i);
      patch(a.end(), id);
      return new Frag(id, List.of(id << 1), true);
    }

    private Frag byteRange(int lo, int hi, boolean foldcase) {
      Inst i = new Inst(Opcode.BYTE_RANGE);
      i.lo = lo;
      i.hi = hi;
      i.foldcase = foldcase;
      int id = alloc(i);
      return new Frag(id, List.of(id << 1), false);
    }

    private Frag nop() {
      int id = alloc(new Inst(Opcode.NOP));
      return new Frag(id, List.of(id << 1), true);
    }

    private Frag match() {
      return new Frag(alloc(new Inst(Opcode.MATCH)), List.of(), false);
    }

    private Frag emptyWidth() {
      int id = alloc(new Inst(Opcode.EMPTY_WIDTH));
      return new Frag(id, List.of(id << 1), true);
    }

    private Frag capture(Frag a) {
      if (a.begin() == 0) {
        return Frag.NO_MATCH;
      }
      Inst open = new Inst(Opcode.CAPTURE);
      open.out = a.begin();
      int id = alloc(open);
      alloc(new Inst(Opcode.CAPTURE));
      patch(a.end(), id + 1);
      return new Frag(id, List.of((id + 1) << 1), a.nullable());
    }

    private Frag dotStar() {
      return starNonGreedy(byteRange(0x00, 0xff, false));
    }

    /** {@code PostVisit}, children first, left to right. */
    private Frag walk(Node re) {
      switch (re.op) {
        case NO_MATCH:
          return Frag.NO_MATCH;
        case EMPTY_MATCH:
          return nop();
        case CONCAT:
          return fold(re.subs, this::cat);
        case ALTERNATE:
          return fold(re.subs, this::alt);
        case LITERAL:
          return literal(re.rune);
        case LITERAL_STRING: {
          Frag f = null;
          for (int r : re.runes) {
            Frag f1 = literal(r);
            f = f == null ? f1 : cat(f, f1);
          }
          return f == null ? nop() : f;
        }
        case CHAR_CLASS:
          return charClass(re.ranges);
        case CAPTURE:
          return capture(walk(re.subs.get(0)));
        case BEGIN_TEXT:
        case END_TEXT:
          return emptyWidth();
        default:
          throw new IllegalStateException("no instruction for " + re.op);
      }
    }

    /** The children compiled left to right, then combined left to right (as {@code PostVisit} does). */
    private Frag fold(List<Node> subs, java.util.function.BinaryOperator<Frag> combine) {
      List<Frag> children = new ArrayList<>();
      subs.forEach(s -> children.add(walk(s)));
      Frag f = children.get(0);
      for (int i = 1; i < children.size(); i++) {
        f = combine.apply(f, children.get(i));
      }
      return f;
    }

    private Frag literal(int r) {
      if (r < 0x80) {
        return byteRange(r, r, false);
      }
      byte[] buf = new String(Character.toChars(r)).getBytes(StandardCharsets.UTF_8);
      Frag f = byteRange(buf[0] & 0xff, buf[0] & 0xff, false);
      for (int i = 1; i < buf.length; i++) {
        f = cat(f, byteRange(buf[i] & 0xff, buf[i] & 0xff, false));
      }
      return f;
    }

    private Frag charClass(TreeMap<Integer, Integer> ranges) {
      long upper = 0;
      long lower = 0;
      for (Map.Entry<Integer, Integer> r : ranges.entrySet()) {
        upper |= letters(r.getKey(), r.getValue(), 'A', 'Z');
        lower |= letters(r.getKey(), r.getValue(), 'a', 'z');
      }
      boolean foldascii = upper == lower;
      runeCache.clear();
      runeRange = new Frag(0, List.of(), false);
      for (Map.Entry<Integer, Integer> r : ranges.entrySet()) {
        int lo = r.getKey();
        int hi = r.getValue();
        if (foldascii && 'A' <= lo && hi <= 'Z') {
          continue;
        }
        boolean fold = foldascii;
        if ((lo <= 'A' && 'z' <= hi) || hi < 'A' || 'z' < lo || ('Z' < lo && hi < 'a')) {
          fold = false;
        }
        addRuneRangeUtf8(lo, hi, fold);
      }
      return runeRange;
    }

    /** The {@code upper_} / {@code lower_} letter bits a range sets (re2/regexp.cc:768-790). */
    private static long letters(int lo, int hi, char first, char last) {
      int lo1 = Math.max(lo, first);
      int hi1 = Math.min(hi, last);
      return lo1 <= hi1 ? ((1L << (hi1 - lo1 + 1)) - 1) << (lo1 - first) : 0;
    }

    private int uncachedRuneByteSuffix(int lo, int hi, boolean foldcase, int next) {
      Frag f = byteRange(lo, hi, foldcase);
      if (next != 0) {
        patch(f.end(), next);
      } else {
        runeRange = new Frag(runeRange.begin(), append(runeRange.end(), f.end()), runeRange.nullable());
      }
      return f.begin();
    }

    private static long cacheKey(int lo, int hi, boolean foldcase, int next) {
      return (long) next << 17 | (long) lo << 9 | (long) hi << 1 | (foldcase ? 1 : 0);
    }

    private int cachedRuneByteSuffix(int lo, int hi, boolean foldcase, int next) {
      long key = cacheKey(lo, hi, foldcase, next);
      Integer id = runeCache.get(key);
      if (id != null) {
        return id;
      }
      int created = uncachedRuneByteSuffix(lo, hi, foldcase, next);
      runeCache.put(key, created);
      return created;
    }

    private boolean isCachedRuneByteSuffix(int id) {
      Inst i = inst.get(id);
      return runeCache.containsKey(cacheKey(i.lo, i.hi, i.foldcase, i.out));
    }

    private void addSuffix(int id) {
      if (runeRange.begin() == 0) {
        runeRange = new Frag(id, runeRange.end(), runeRange.nullable());
        return;
      }
      runeRange = new Frag(addSuffixRecursive(runeRange.begin(), id), runeRange.end(), runeRange.nullable());
    }

    private int addSuffixRecursive(int root, int id) {
      int[] found = findByteRange(root, id);
      if (found == null) {
        Inst a = new Inst(Opcode.ALT);
        a.out = root;
        a.out1 = id;
        return alloc(a);
      }
      int fBegin = found[0];
      int head = found[1]; // 0: root itself; else (fBegin << 1) | which
      int br;
      if (head == 0) {
        br = root;
      } else if ((head & 1) != 0) {
        br = inst.get(fBegin).out1;
      } else {
        br = inst.get(fBegin).out;
      }
      if (isCachedRuneByteSuffix(br)) {
        Inst clone = new Inst(Opcode.BYTE_RANGE);
        Inst original = inst.get(br);
        clone.lo = original.lo;
        clone.hi = original.hi;
        clone.foldcase = original.foldcase;
        clone.out = original.out;
        int byterange = alloc(clone);
        br = byterange;
        if (head == 0) {
          root = br;
        } else if ((head & 1) != 0) {
          inst.get(fBegin).out1 = br;
        } else {
          inst.get(fBegin).out = br;
        }
      }
      int out = inst.get(id).out;
      if (!isCachedRuneByteSuffix(id)) {
        inst.remove(inst.size() - 1); // the head was the last allocated: freed, not left unreachable
      }
      out = addSuffixRecursive(inst.get(br).out, out);
      inst.get(br).out = out;
      return root;
    }

    private boolean byteRangeEqual(int id1, int id2) {
      Inst a = inst.get(id1);
      Inst b = inst.get(id2);
      return a.lo == b.lo && a.hi == b.hi && a.foldcase == b.foldcase;
    }

    /** {@code FindByteRange} (forward): {begin, head} or null for NoMatch. */
    private int[] findByteRange(int root, int id) {
      if (inst.get(root).opcode == Opcode.BYTE_RANGE) {
        return byteRangeEqual(root, id) ? new int[] {root, 0} : null;
      }
      while (inst.get(root).opcode == Opcode.ALT) {
        int out1 = inst.get(root).out1;
        if (byteRangeEqual(out1, id)) {
          return new int[] {root, (root << 1) | 1};
        }
        return null; // forward: a sorted class, so stop at once
      }
      return null;
    }

    private static int maxRune(int len) {
      int b = len == 1 ? 7 : 8 - (len + 1) + 6 * (len - 1);
      return (1 << b) - 1;
    }

    private void addRuneRangeUtf8(int lo, int hi, boolean foldcase) {
      if (lo > hi) {
        return;
      }
      if (lo == 0x80 && hi == 0x10ffff) {
        int cont1 = uncachedRuneByteSuffix(0x80, 0xBF, false, 0);
        addSuffix(uncachedRuneByteSuffix(0xC2, 0xDF, false, cont1));
        int cont2 = uncachedRuneByteSuffix(0x80, 0xBF, false, cont1);
        addSuffix(uncachedRuneByteSuffix(0xE0, 0xEF, false, cont2));
        int cont3 = uncachedRuneByteSuffix(0x80, 0xBF, false, cont2);
        addSuffix(uncachedRuneByteSuffix(0xF0, 0xF4, false, cont3));
        return;
      }
      for (int i = 1; i < 4; i++) {
        int max = maxRune(i);
        if (lo <= max && max < hi) {
          addRuneRangeUtf8(lo, max, foldcase);
          addRuneRangeUtf8(max + 1, hi, foldcase);
          return;
        }
      }
      if (hi < 0x80) {
        addSuffix(uncachedRuneByteSuffix(lo, hi, foldcase, 0));
        return;
      }
      for (int i = 1; i < 4; i++) {
        int m = (1 << (6 * i)) - 1;
        if ((lo & ~m) != (hi & ~m)) {
          if ((lo & m) != 0) {
            addRuneRangeUtf8(lo, lo | m, foldcase);
            addRuneRangeUtf8((lo | m) + 1, hi, foldcase);
            return;
          }
          if ((hi & m) != m) {
            addRuneRangeUtf8(lo, (hi & ~m) - 1, foldcase);
            addRuneRangeUtf8(hi & ~m, hi, foldcase);
            return;
          }
        }
      }
      byte[] ulo = new String(Character.toChars(lo)).getBytes(StandardCharsets.UTF_8);
      byte[] uhi = new String(Character.toChars(hi)).getBytes(StandardCharsets.UTF_8);
      int n = ulo.length;
      int id = 0;
      for (int i = n - 1; i >= 0; i--) {
        int l = ulo[i] & 0xff;
        int h = uhi[i] & 0xff;
        if (i == n - 1 || (l < h && i != 0)) {
          id = cachedRuneByteSuffix(l, h, false, id);
        } else {
          id = uncachedRuneByteSuffix(l, h, false, id);
        }
      }
      addSuffix(id);
    }

    /**
     * {@code IsAnchorStart} ({@code anchor} BEGIN_TEXT, the first subexpression of a concatenation) and
     * {@code IsAnchorEnd} (END_TEXT, the last): strips the anchor, through concatenations and captures, 4 levels deep.
     */
    private static boolean stripAnchor(Node[] pre, int depth, Op anchor) {
      Node re = pre[0];
      if (re == null || depth >= 4) {
        return false;
      }
      switch (re.op) {
        case CONCAT -> {
          if (!re.subs.isEmpty()) {
            int at = anchor == Op.BEGIN_TEXT ? 0 : re.subs.size() - 1;
            Node[] sub = {re.subs.get(at)};
            if (stripAnchor(sub, depth + 1, anchor)) {
              List<Node> copy = new ArrayList<>(re.subs);
              copy.set(at, sub[0]);
              pre[0] = Node.concatOrAlternate(Op.CONCAT, copy, false);
              return true;
            }
          }
        }
        case CAPTURE -> {
          Node[] sub = {re.subs.get(0)};
          if (stripAnchor(sub, depth + 1, anchor)) {
            Node capture = new Node(Op.CAPTURE);
            capture.cap = re.cap;
            capture.subs = new ArrayList<>(List.of(sub[0]));
            pre[0] = capture;
            return true;
          }
        }
        case BEGIN_TEXT, END_TEXT -> {
          if (re.op == anchor) {
            pre[0] = new Node(Op.EMPTY_MATCH);
            return true;
          }
        }
        default -> { }
      }
      return false;
    }

    /** {@code Prog::Optimize}: skips Nops, marks {@code .*} loops before a match as AltMatch. */
    private void optimize(int start) {
      List<Integer> q = new ArrayList<>();
      Set<Integer> queued = new HashSet<>();
      addToQueue(q, queued, start);
      for (int k = 0; k < q.size(); k++) {
        Inst ip = inst.get(q.get(k));
        int j = ip.out;
        while (j != 0 && inst.get(j).opcode == Opcode.NOP) {
          j = inst.get(j).out;
        }
        ip.out = j;
        addToQueue(q, queued, ip.out);
        if (ip.opcode == Opcode.ALT) {
          j = ip.out1;
          while (j != 0 && inst.get(j).opcode == Opcode.NOP) {
            j = inst.get(j).out;
          }
          ip.out1 = j;
          addToQueue(q, queued, ip.out1);
        }
      }
      q.clear();
      queued.clear();
      addToQueue(q, queued, start);
      for (int k = 0; k < q.size(); k++) {
        int id = q.get(k);
        Inst ip = inst.get(id);
        addToQueue(q, queued, ip.out);
        if (ip.opcode == Opcode.ALT) {
          addToQueue(q, queued, ip.out1);
          Inst j = inst.get(ip.out);
          Inst l = inst.get(ip.out1);
          if ((anyByteLoop(j, id) && isMatch(l)) || (isMatch(j) && anyByteLoop(l, id))) {
            ip.opcode = Opcode.ALT_MATCH;
          }
        }
      }
    }

    private static void addToQueue(List<Integer> q, Set<Integer> queued, int id) {
      if (id != 0 && queued.add(id)) {
        q.add(id);
      }
    }

    private static boolean anyByteLoop(Inst i, int alt) {
      return i.opcode == Opcode.BYTE_RANGE && i.out == alt && i.lo == 0x00 && i.hi == 0xFF;
    }

    private boolean isMatch(Inst ip) {
      for (;;) {
        switch (ip.opcode) {
          case CAPTURE, NOP -> ip = inst.get(ip.out);
          case MATCH -> {
            return true;
          }
          default -> {
            return false;
          }
        }
      }
    }

    /** {@code Prog::Flatten}: the number of instructions of the flattened program. */
    private int flatten(int start, int startUnanchored) {
      LinkedHashMap<Integer, Integer> rootmap = new LinkedHashMap<>();
      Map<Integer, List<Integer>> preds = new HashMap<>();
      markSuccessors(start, startUnanchored, rootmap, preds);
      List<Integer> sorted = new ArrayList<>(rootmap.keySet());
      sorted.sort(null);
      for (int i = sorted.size() - 1; i > 0; i--) {
        int id = sorted.get(i);
        if (id != startUnanchored && id != start) {
          markDominator(id, rootmap, preds);
        }
      }
      int size = 0;
      for (int root : new ArrayList<>(rootmap.keySet())) {
        size += emitList(root, rootmap);
      }
      return size;
    }

    private void markSuccessors(int start, int startUnanchored, Map<Integer, Integer> rootmap,
        Map<Integer, List<Integer>> preds) {
      rootmap.put(0, rootmap.size());
      rootmap.putIfAbsent(startUnanchored, rootmap.size());
      rootmap.putIfAbsent(start, rootmap.size());
      Set<Integer> reachable = new HashSet<>();
      Deque<Integer> stk = new ArrayDeque<>();
      stk.push(startUnanchored);
      while (!stk.isEmpty()) {
        int id = stk.pop();
        while (reachable.add(id)) {
          Inst ip = inst.get(id);
          if (ip.opcode == Opcode.ALT || ip.opcode == Opcode.ALT_MATCH) {
            preds.computeIfAbsent(ip.out, k -> new ArrayList<>()).add(id);
            preds.computeIfAbsent(ip.out1, k -> new ArrayList<>()).add(id);
            stk.push(ip.out1);
            id = ip.out;
          } else if (ip.opcode == Opcode.BYTE_RANGE || ip.opcode == Opcode.CAPTURE
              || ip.opcode == Opcode.EMPTY_WIDTH) {
            rootmap.putIfAbsent(ip.out, rootmap.size());
            id = ip.out;
          } else if (ip.opcode == Opcode.NOP) {
            id = ip.out;
          } else {
            break; // Match, Fail
          }
        }
      }
    }

    private void markDominator(int root, Map<Integer, Integer> rootmap, Map<Integer, List<Integer>> preds) {
      Set<Integer> reachable = flood(root, rootmap).reachable();
      for (int id : reachable) {
        for (int pred : preds.getOrDefault(id, List.of())) {
          if (!reachable.contains(pred)) {
            rootmap.putIfAbsent(id, rootmap.size());
          }
        }
      }
    }

    /** {@code EmitList}: how many instructions the list of {@code root} has. */
    private int emitList(int root, Map<Integer, Integer> rootmap) {
      return flood(root, rootmap).emitted();
    }

    /** What one flood of a tree reached, and how many instructions its list would hold. */
    private record Flood(Set<Integer> reachable, int emitted) {}

    /**
     * The walk of {@code MarkDominator} and {@code EmitList}: from {@code root} through Alts and Nops, stopping at
     * leaves (each emitted) and at other roots (each a Nop to that list); an AltMatch is emitted too.
     */
    private Flood flood(int root, Map<Integer, Integer> rootmap) {
      int emitted = 0;
      Set<Integer> reachable = new LinkedHashSet<>();
      Deque<Integer> stk = new ArrayDeque<>();
      stk.push(root);
      while (!stk.isEmpty()) {
        int id = stk.pop();
        while (reachable.add(id)) {
          if (id != root && rootmap.containsKey(id)) {
            emitted++;
            break;
          }
          Inst ip = inst.get(id);
          if (ip.opcode == Opcode.ALT_MATCH) {
            emitted++;
          }
          if (ip.opcode == Opcode.ALT || ip.opcode == Opcode.ALT_MATCH) {
            stk.push(ip.out1);
            id = ip.out;
          } else if (ip.opcode == Opcode.NOP) {
            id = ip.out;
          } else {
            emitted++; // ByteRange, Capture, EmptyWidth, Match, Fail
            break;
          }
        }
      }
      return new Flood(reachable, emitted);
    }
  }
}
