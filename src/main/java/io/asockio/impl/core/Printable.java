package io.asockio.impl.core;

/**
 * Names made safe for one log line: every character that could end the line, hide text or
 * reorder it on a terminal (C0 and C1 controls, DEL, the line and paragraph separators, the
 * bidirectional embedding, override and isolate controls) is escaped; long names are cut.
 */
public final class Printable {

  /** Longest name written whole to a log line. */
  static final int MAX_CHARS = 80;

  private Printable() {
  }

  public static String of(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_CHARS));
    for (int i = 0; i < name.length() && out.length() < MAX_CHARS; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (unsafe(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return name.length() > MAX_CHARS ? out + "…" : out.toString();
  }

  private static boolean unsafe(char c) {
    return (c >= 0x80 && c <= 0x9f)          // C1 controls (U+0085 is a line break, U+009B a CSI)
        || c == 0x2028 || c == 0x2029        // line and paragraph separators
        || (c >= 0x202a && c <= 0x202e)      // bidi embeddings and overrides
        || (c >= 0x2066 && c <= 0x2069);     // bidi isolates
  }
}
