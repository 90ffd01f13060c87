package io.asockio.gate;

import io.asockio.codec.Frames;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;

/**
 * One incoming message too long to be held whole, delivered as a stream of chunks with its
 * declared length. It is a Vert.x {@link ReadStream}: {@link #pause()}, {@link #resume()}
 * and {@link #fetch} reach the socket, so a slow consumer slows the sender instead of
 * growing memory. Chunks come in order; the connection's next message is decoded only after
 * this stream's end was delivered. If the connection ends first, the exception handler gets
 * a {@link StreamInterruptedException} (never a silent end).
 *
 * <p>Used on the connection's event loop only, like every Vert.x stream.
 */
public final class MessageStream implements ReadStream<Buffer> {

  /** A streamed message was cut off before its declared length. */
  public static final class StreamInterruptedException extends RuntimeException {
    StreamInterruptedException(String message) {
      super(message, null, false, false);
    }
  }

  private final Connection connection;
  private final InboundFlow flow;
  private final long length;
  private long received;
  private long delivered;

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private long demand = Long.MAX_VALUE;
  // Chunks decoded but not yet delivered (no demand), then possibly the end.
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private boolean endDecoded;
  private boolean finished;
  private boolean draining;

  MessageStream(Connection connection, InboundFlow flow, long length) {
    this.connection = connection;
    this.flow = flow;
    this.length = length;
  }

  /** Declared total length, unsigned (use {@link Long#compareUnsigned} / {@link Long#toUnsignedString}). */
  public long length() {
    return length;
  }

  /** Bytes delivered to the handler so far (unsigned). */
  public long bytesDelivered() {
    return delivered;
  }

  /** The connection this message arrives on. */
  public Connection connection() {
    return connection;
  }

  /** Whether the end (or an error) was delivered. */
  public boolean isFinished() {
    return finished;
  }

  @Override
  public MessageStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    drain();
    return this;
  }

  @Override
  public MessageStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    drain();
    return this;
  }

  @Override
  public MessageStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public MessageStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public MessageStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public MessageStream fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount; // saturating
      drain();
    }
    return this;
  }

  // ---- fed by the connection ----------------------------------------------------------------

  // Consumers queue chunks (demand, pipes): each gets a heap copy of its own.
  void push(io.netty.buffer.ByteBuf chunk) {
    Buffer copy;
    try {
      copy = io.asockio.impl.vertx.VertxBuffers.heapCopy(chunk);
    } finally {
      chunk.release();
    }
    received += copy.length();
    pending.add(copy);
    drain();
  }

  void pushEnd() {
    endDecoded = true;
    drain();
  }

  void fail(String reason) {
    if (finished) {
      return;
    }
    finished = true;
    pending.clear();
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(new StreamInterruptedException(reason + " after " + Frames.unsigned(delivered) + " of "
          + Frames.unsigned(length) + " bytes"));
    }
  }

  /** Whether the decoder must hold back: chunks or the end wait for demand. */
  boolean blocked() {
    return !finished && (!pending.isEmpty() || endDecoded);
  }

  /** Bytes of this message read from the socket so far (delivered or waiting for demand). */
  public long receivedBytes() {
    return received;
  }

  private void drain() {
    if (draining || finished) {
      return;
    }
    draining = true;
    try {
      while (!pending.isEmpty() && demand > 0 && handler != null) {
        Buffer chunk = pending.poll();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        delivered += chunk.length();
        handler.handle(chunk);
        if (finished) {
          return;
        }
      }
      if (pending.isEmpty() && endDecoded && (handler != null || endHandler != null)) {
        finished = true;
        Handler<Void> h = endHandler;
        if (h != null) {
          h.handle(null);
        }
      }
    } finally {
      draining = false;
    }
    flow.streamProgress(this);
  }
}
