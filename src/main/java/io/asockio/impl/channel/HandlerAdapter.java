package io.asockio.impl.channel;

import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.MessageStream;
import io.asockio.impl.core.Counters;
import io.asockio.impl.vertx.VertxBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Between the pipeline and the user's {@link ConnectionHandler}: hands it {@code Buffer}s
 * (the read itself, lent, when the handler reads in place; a copy otherwise) and calls its
 * callbacks so that a failing handler costs its own connection, never the node.
 */
final class HandlerAdapter implements InboundFlow.Sink {

  private static final Logger LOG = Logger.getLogger(HandlerAdapter.class.getName());

  private final ChannelConnection connection;
  private final Channel channel;
  private final Counters counters;
  private final Consumer<Throwable> onFailure;
  private final Lending lending = new Lending();
  private ConnectionHandler handler;
  private boolean readsInPlace;
  private boolean wantsOutputEmpty;
  // One instance for every message: reads the handler bound at the time of the call.
  private final io.vertx.core.Handler<Buffer> toOnDataReceived;

  /** {@code onFailure}: what a throwing callback does to the connection (it closes it). */
  HandlerAdapter(ChannelConnection connection, Channel channel, Counters counters, Consumer<Throwable> onFailure) {
    this.connection = connection;
    this.channel = channel;
    this.counters = counters;
    this.onFailure = onFailure;
    this.toOnDataReceived = this::dataReceived;
  }

  // Per message: a try instead of guarded(lambda), which would allocate a capturing lambda per call.
  private void dataReceived(Buffer data) {
    try {
      handler.onDataReceived(connection, data);
    } catch (RuntimeException | StackOverflowError e) {
      failed(e);
    }
  }

  /** The connection opened: this handler serves it from now on. */
  void bind(ConnectionHandler newHandler) {
    this.handler = newHandler;
    this.readsInPlace = newHandler.readsInPlace();
    this.wantsOutputEmpty = newHandler.wantsOutputBuffersAreEmpty();
  }

  boolean isBound() {
    return handler != null;
  }

  boolean wantsOutputEmpty() {
    return wantsOutputEmpty;
  }

  long streamThreshold() {
    return handler.streamThreshold();
  }

  /** The bytes of {@code payload} as a reference Netty may write and release (see {@link Lending}). */
  ByteBuf ownedBytes(ByteBuf view) {
    return lending.owned(view);
  }

  void connected() {
    guarded(() -> handler.onConnected(connection));
  }

  void outputEmpty() {
    if (wantsOutputEmpty) {
      try {
        handler.onOutputBuffersAreEmpty(connection); // after many sends: no lambda per call
      } catch (RuntimeException | StackOverflowError e) {
        failed(e);
      }
    }
  }

  void lost(CloseReason reason) {
    try {
      handler.onConnectionLost(connection, reason);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "handler of " + connection.describe() + " failed in onConnectionLost", e);
    }
  }

  // ---- InboundFlow.Sink -----------------------------------------------------------------

  @Override
  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public void deliverMessage(ByteBuf message) {
    deliverChunk(message, toOnDataReceived);
  }

  /**
   * One message or chunk of a streamed message (owned) to {@code chunkHandler}: lent when the
   * handler reads in place (valid until {@code chunkHandler} returns), else a heap copy of its own.
   */
  void deliverChunk(ByteBuf chunk, io.vertx.core.Handler<Buffer> chunkHandler) {
    if (readsInPlace) {
      try {
        chunkHandler.handle(lending.lend(chunk));
      } finally {
        lending.end();
        chunk.release();
      }
      return;
    }
    Buffer copy;
    try {
      copy = VertxBuffers.heapCopy(chunk);
    } finally {
      chunk.release();
    }
    chunkHandler.handle(copy);
  }

  @Override
  public boolean acceptsStreams() {
    return handler.streamThreshold() >= 0;
  }

  @Override
  public void refuseOversized(long length) {
    connection.ending.messageTooLong(length);
  }

  @Override
  public void openStream(MessageStream stream) {
    counters.count(Counters.STREAMS_RECEIVED);
    connection.streamCounted(true);
    guarded(() -> handler.onMessageStream(connection, stream));
  }

  @Override
  public void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  private void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | StackOverflowError e) {
      failed(e);
    }
  }

  private void failed(Throwable e) {
    LOG.log(Level.WARNING, "handler of " + connection.describe() + " failed; closing the connection", e);
    onFailure.accept(e);
  }
}
