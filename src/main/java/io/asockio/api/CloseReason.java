package io.asockio.api;

/**
 * Why a connection ended: a {@link CloseCause} and, where there is one, a detail (the socket
 * error's message, the handler's exception, who took the name over).
 *
 * @param cause  the kind of close
 * @param detail what happened exactly, or null
 */
public record CloseReason(CloseCause cause, String detail) {

  public CloseReason {
    if (cause == null) {
      throw new IllegalArgumentException("a close has a cause");
    }
  }

  public static CloseReason of(CloseCause cause) {
    return new CloseReason(cause, null);
  }

  /** {@code closed by peer}, {@code socket error: Connection reset}, ... */
  @Override
  public String toString() {
    return detail == null ? cause.text() : cause.text() + ": " + detail;
  }
}
