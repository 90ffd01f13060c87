package io.asockio.security;

/** Keyword patterns: {@code *} matches any run of characters, {@code ?} one; everything else is literal and case-sensitive. */
public final class Glob {

  private final String pattern;

  public Glob(String pattern) {
    this.pattern = pattern;
  }

  public boolean matches(String text) {
    return match(pattern, 0, text, 0);
  }

  // Iterative wildcard matching with one backtrack point: linear in practice, no regex injection.
  private static boolean match(String p, int pi, String t, int ti) {
    int star = -1;
    int mark = 0;
    while (ti < t.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == t.charAt(ti))) {
        pi++;
        ti++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = ti;
      } else if (star >= 0) {
        pi = star + 1;
        ti = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
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
