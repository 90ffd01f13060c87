package io.asockio.impl.core;

/**
 * Why a peer was refused before its connection opened. Each has the text sent in
 * {@code ERR <text>} (never the peer's own bytes) and the counter it adds to.
 */
public enum Refusal {
  /** The gate's accept rate (token bucket) is exhausted. */
  ACCEPT_RATE("too many new connections"),
  /** The gate holds {@code maxConnections} already. */
  TOO_MANY_CONNECTIONS("too many connections"),
  /** The address holds {@code maxConnectionsPerAddress} already. */
  TOO_MANY_FROM_ADDRESS("too many connections from this address"),
  /** The gate has {@code maxPendingHandshakes} handshakes in progress already. */
  TOO_MANY_HANDSHAKES("too many pending handshakes"),
  /** The address has {@code maxPendingHandshakesPerAddress} handshakes in progress already. */
  TOO_MANY_HANDSHAKES_FROM_ADDRESS("too many pending handshakes from this address"),
  /** No whole keyword frame within {@code handshakeTimeoutMs}. */
  HANDSHAKE_TIMEOUT("handshake timeout"),
  /** Silent for {@code idleTimeoutMs} during the handshake. */
  IDLE_TIMEOUT("idle timeout"),
  /** The keyword frame announced more than {@code maxKeywordLength} bytes. */
  KEYWORD_TOO_LONG("keyword too long"),
  /** An empty keyword is not a name. */
  EMPTY_KEYWORD("empty keyword"),
  /** Keywords are compared as names, which only valid UTF-8 maps onto exactly. */
  KEYWORD_NOT_UTF8("keyword is not valid UTF-8"),
  /** An access rule said no; the text sent is the rule's reason. */
  ACCESS_DENIED("access denied"),
  /** Policy {@code unexpected: refuse} and nobody declared this name. */
  UNKNOWN_KEYWORD("unknown keyword"),
  /** Policy {@code takeover: refuse} and the name is connected. */
  NAME_CONNECTED("name already connected");

  private final String text;

  Refusal(String text) {
    this.text = text;
  }

  /** The reason sent in {@code ERR <reason>} (for {@link #ACCESS_DENIED}, the rule's own reason is sent instead). */
  public String text() {
    return text;
  }

  /** The counter this refusal adds to, e.g. {@code refused.unknown keyword}. */
  public String counter() {
    return "refused." + text;
  }
}
