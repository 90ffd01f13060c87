package io.asockio.api;

/** A message was not queued for a client; {@link #reason()} says why. */
public final class SendException extends RuntimeException {

  /** Why a send was refused. */
  public enum Reason {
    /** No client has this id or name. */
    UNKNOWN_CLIENT,
    /** The client is known but has no open connection. */
    NOT_CONNECTED,
    /** The connection's queued output would exceed {@code limits.maxQueuedOutputBytes}. */
    OUTPUT_FULL,
    /** A streamed send's source failed, ended short of its declared length or ran over it. */
    SOURCE_FAILED,
    /**
     * The client is a UDP peer and the message cannot go as one datagram: it is longer than
     * its gate's or link's {@code maxDatagramSize}, or empty (Netty sends no empty datagram),
     * or it is a streamed send.
     */
    NOT_ONE_DATAGRAM
  }

  private final Reason reason;

  public SendException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
