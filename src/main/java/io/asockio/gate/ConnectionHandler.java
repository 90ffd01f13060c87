package io.asockio.gate;

import io.vertx.core.buffer.Buffer;

/**
 * Receives one connection's events, on the connection's event loop, in order. An exception
 * thrown from a callback closes that connection with a logged reason.
 */
public interface ConnectionHandler {

  /** The connection is open: a named client was accepted ({@code OK} sent or received), or a raw peer connected. */
  default void onOpen(Connection connection) {
  }

  /** A whole message (framed) or a chunk as it came (raw). The buffer belongs to the handler. */
  void onMessage(Connection connection, Buffer data);

  /** Everything queued for this connection was handed to the kernel: its output is empty. */
  default void onDrained(Connection connection) {
  }

  /** The connection ended; {@code cause} says why. Called once, and only after {@link #onOpen}. */
  default void onClosed(Connection connection, String cause) {
  }
}
