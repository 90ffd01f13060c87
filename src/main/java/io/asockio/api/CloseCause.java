package io.asockio.api;

/** Why an open connection ended; each close is counted as {@code closed.<text>}. */
public enum CloseCause {
  /** The peer closed or reset the connection. */
  PEER_CLOSED("closed by peer"),
  /** The application closed it ({@code close}, {@code closeNow}). */
  APPLICATION("closed by the application"),
  /** {@code closeAfterFlush}: the queued output went out, then it closed. */
  AFTER_FLUSH("closed after flush"),
  /** Nothing went in or out for the gate's {@code idleTimeoutMs}. */
  IDLE("idle timeout"),
  /** A message over {@code limits.maxMessageSize}, and the handler does not stream. */
  MESSAGE_TOO_LONG("message too long"),
  /** A handler callback threw. */
  HANDLER_FAILED("handler failed"),
  /** A streamed send's source failed, ended short or ran over. */
  STREAM_SEND_FAILED("streamed send failed"),
  /** The socket failed (I/O error, TLS error). */
  SOCKET_ERROR("socket error"),
  /** Memory ran out while serving this connection (e.g. Netty's direct-memory limit); logged as a warning. */
  OUT_OF_MEMORY("out of memory"),
  /** Another connection took the name (policy {@code takeover: replace}). */
  TAKEN_OVER("taken over"),
  /** The client was removed ({@code removeClient}). */
  CLIENT_REMOVED("client removed"),
  /** A process link's child exited (the detail names its exit code). */
  PROCESS_EXITED("process exited"),
  /** Its link was closed ({@code unlink}, node stop). */
  LINK_CLOSED("link closed"),
  /** The node is stopping. */
  NODE_STOPPING("node stopping");

  private final String text;

  CloseCause(String text) {
    this.text = text;
  }

  /** How logs and events say it, e.g. {@code closed by peer}. */
  public String text() {
    return text;
  }

  /** The counter it adds to, e.g. {@code closed.idle timeout}. */
  public String counter() {
    return "closed." + text;
  }
}
