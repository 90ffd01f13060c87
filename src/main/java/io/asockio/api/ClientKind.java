package io.asockio.api;

import java.util.Locale;

/** How a client came to be known. */
public enum ClientKind {
  /** Declared (config or API) before or after it connected; its id is kept across reconnects. */
  EXPECTED,
  /** Introduced itself with a keyword nobody declared (policy {@code unexpected: accept}). */
  UNEXPECTED,
  /** A raw-gate peer without a keyword; it gets a generated name. */
  ANONYMOUS,
  /** A connection this node dialled out (client role); named after its link. */
  OUTGOING;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * How records, events, metrics and the admin API write it: {@code expected},
   * {@code unexpected}, {@code anonymous}, {@code outgoing} (one string, shared by every record).
   */
  public String label() {
    return label;
  }
}
