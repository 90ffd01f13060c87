package io.asockio.api;

import io.vertx.core.buffer.Buffer;

/**
 * Receives one connection's events, on the connection's event loop, in order. The callback
 * names are those of {@link InlineProcessor} (a processor is a handler bound to one
 * connection). An exception thrown from a callback closes that connection with a logged
 * reason ({@link CloseCause#HANDLER_FAILED}); the node goes on serving everyone else.
 */
public interface ConnectionHandler {

  /** The connection is open: a named client was accepted ({@code OK} sent or received), or a raw peer connected. */
  default void onConnected(ClientConnection connection) {
  }

  /**
   * A whole message (framed) or a chunk as it came (raw). The buffer belongs to the handler,
   * unless {@link #readsInPlace()} says otherwise.
   */
  void onDataReceived(ClientConnection connection, Buffer data);

  /**
   * Whether {@link #onDataReceived} may receive the read buffer itself instead of a copy. Such
   * a buffer is <em>borrowed</em>: valid until the callback returns (its memory then goes back
   * to Netty's pool), so a handler that keeps any of it copies that part. Sending it, or slices
   * of it, from within the callback is safe: a send holds its own reference until the bytes
   * are written. The same holds for the chunks of a {@link MessageStream}: each is valid until
   * the stream's handler returns. Saves one copy of every byte received; default false.
   */
  default boolean readsInPlace() {
    return false;
  }

  /**
   * Messages longer than this many bytes (and any longer than {@code limits.maxMessageSize})
   * are delivered through {@link #onMessageStream} instead of whole; -1 (the default) never
   * streams: a message over {@code maxMessageSize} then closes the connection.
   */
  default long streamThreshold() {
    return -1;
  }

  /**
   * A message over the stream threshold begins. Set the stream's handlers now or later (it
   * holds its chunks, and the connection waits, until you do); the connection's next message
   * comes only after this stream's end.
   */
  default void onMessageStream(ClientConnection connection, MessageStream stream) {
    throw new UnsupportedOperationException("streamThreshold() is set but onMessageStream is not implemented");
  }

  /**
   * Whether {@link #onOutputBuffersAreEmpty} is wanted. Knowing that the output emptied costs
   * a little per flush; handlers that ignore it say no.
   */
  default boolean wantsOutputBuffersAreEmpty() {
    return true;
  }

  /** Everything queued for this connection was handed to the kernel: its output is empty. */
  default void onOutputBuffersAreEmpty(ClientConnection connection) {
  }

  /** The connection ended; {@code reason} says why. Called once, and only after {@link #onConnected}. */
  default void onConnectionLost(ClientConnection connection, CloseReason reason) {
  }
}
