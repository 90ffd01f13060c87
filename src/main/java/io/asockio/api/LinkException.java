package io.asockio.api;

/** A link could not open: the server refused it, or could not be reached. */
public final class LinkException extends RuntimeException {

  /** Why a link attempt failed. */
  public enum Kind {
    /** The server answered {@code ERR reason}, something else than {@code OK}, or closed before answering. */
    REFUSED,
    /** No connection could be made (refused by the OS, unreachable, timeout). */
    UNREACHABLE,
    /** The link was closed by this node. */
    CLOSED
  }

  private final Kind kind;

  public LinkException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
