package io.asockio.impl.core;

/** Names made safe for one log line: control characters escaped, long names cut. */
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
      } else {
        out.append(c);
      }
    }
    return name.length() > MAX_CHARS ? out + "…" : out.toString();
  }
}
