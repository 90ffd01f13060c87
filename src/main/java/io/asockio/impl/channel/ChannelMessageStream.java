package io.asockio.impl.channel;

import io.asockio.api.ClientConnection;
import io.asockio.api.MessageStream;
import io.asockio.codec.Frames;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * The {@link MessageStream} of one connection: chunks pushed by its inbound flow, queued until
 * there is demand; after each delivery the flow is told, so that the connection waits while
 * the stream does. Event loop only.
 */
final class ChannelMessageStream implements MessageStream {

  private final ChannelConnection connection;
  private final InboundFlow flow;
  private final long length;
  private long received;
  private long delivered;

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private long demand = Long.MAX_VALUE;
  // Chunks decoded but not yet delivered (no demand), then possibly the end.
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(); // owned until delivered
  private boolean endDecoded;
  private boolean finished;
  private boolean draining;

  ChannelMessageStream(ChannelConnection connection, InboundFlow flow, long length) {
    this.connection = connection;
    this.flow = flow;
    this.length = length;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long bytesDelivered() {
    return delivered;
  }

  @Override
  public ClientConnection connection() {
    return connection;
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  @Override
  public ChannelMessageStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    drain();
    return this;
  }

  @Override
  public ChannelMessageStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    drain();
    return this;
  }

  @Override
  public ChannelMessageStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ChannelMessageStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public ChannelMessageStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ChannelMessageStream fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount; // saturating
      drain();
    }
    return this;
  }

  // ---- fed by the connection ----------------------------------------------------------------

  // Chunks wait here (owned) until there is demand; the handler gets each lent or copied (HandlerAdapter.deliverChunk).
  void push(ByteBuf chunk) {
    received += chunk.readableBytes();
    pending.add(chunk);
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
    connection.streamCounted(false);
    releasePending();
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(new StreamInterruptedException(reason + " after " + Frames.unsigned(delivered) + " of "
          + Frames.unsigned(length) + " bytes"));
    }
  }

  private void releasePending() {
    for (ByteBuf chunk; (chunk = pending.poll()) != null; ) {
      chunk.release();
    }
  }

  /** Whether the decoder must hold back: chunks or the end wait for demand. */
  boolean blocked() {
    return !finished && (!pending.isEmpty() || endDecoded);
  }

  @Override
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
        ByteBuf chunk = pending.poll();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        delivered += chunk.readableBytes();
        connection.handler.deliverChunk(chunk, handler);
        if (finished) {
          return;
        }
      }
      if (pending.isEmpty() && endDecoded && (handler != null || endHandler != null)) {
        finished = true;
        connection.streamCounted(false);
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
