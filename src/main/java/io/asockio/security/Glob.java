package io.asockio.security;

/**
 * Keyword patterns: {@code *} matches any run of characters, {@code ?} exactly one character
 * (one Unicode code point: {@code bot-?} matches {@code bot-😀}, which Java holds as two
 * {@code char}s); everything else is literal and case-sensitive.
 */
public final class Glob {

  private static final int ANY_RUN = '*';
  private static final int ANY_ONE = '?';

  private final String pattern;
  private final int[] codePoints;

  public Glob(String pattern) {
    this.pattern = pattern;
    this.codePoints = pattern.codePoints().toArray();
  }

  public boolean matches(String text) {
    return match(codePoints, text.codePoints().toArray());
  }

  // Iterative wildcard matching with one backtrack point: linear in practice, no regex injection.
  private static boolean match(int[] p, int[] t) {
    int pi = 0;
    int ti = 0;
    int star = -1;
    int mark = 0;
    while (ti < t.length) {
      if (pi < p.length && (p[pi] == ANY_ONE || p[pi] == t[ti])) {
        pi++;
        ti++;
      } else if (pi < p.length && p[pi] == ANY_RUN) {
        star = pi++;
        mark = ti;
      } else if (star >= 0) {
        pi = star + 1;
        ti = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == ANY_RUN) {
      pi++;
    }
    return pi == p.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob && ((Glob) o).pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
