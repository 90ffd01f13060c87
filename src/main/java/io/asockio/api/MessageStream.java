package io.asockio.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * One incoming message too long to be held whole, delivered as a stream of chunks with its
 * declared length. {@link #pause()}, {@link #resume()} and {@link #fetch} reach the socket,
 * so a slow consumer slows the sender instead of growing memory. Chunks come in order; the
 * connection's next message is delivered only after this stream's end was. If the connection
 * ends first, the exception handler gets a {@link StreamInterruptedException} (never a silent
 * end). Used on the connection's event loop only, like every Vert.x stream.
 */
public interface MessageStream extends ReadStream<Buffer> {

  /** A streamed message was cut off before its declared length. */
  final class StreamInterruptedException extends RuntimeException {
    public StreamInterruptedException(String message) {
      super(message, null, false, false);
    }
  }

  /** Declared total length, unsigned (use {@link Long#compareUnsigned} / {@link Long#toUnsignedString}). */
  long length();

  /** Bytes delivered to the handler so far (unsigned). */
  long bytesDelivered();

  /** Bytes of this message read from the socket so far (delivered or waiting for demand). */
  long receivedBytes();

  /** Whether the end (or an error) was delivered. */
  boolean isFinished();

  /** The connection this message arrives on. */
  ClientConnection connection();

  @Override
  MessageStream handler(Handler<Buffer> handler);

  @Override
  MessageStream endHandler(Handler<Void> endHandler);

  @Override
  MessageStream exceptionHandler(Handler<Throwable> handler);

  @Override
  MessageStream pause();

  @Override
  MessageStream resume();

  @Override
  MessageStream fetch(long amount);
}
