package io.asockio.impl.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * What comes in on a connection, on its way to the handler: whole messages (or raw chunks),
 * and streamed messages as a start, chunks and an end. Reading pauses for three reasons:
 * the application asked ({@link #pause}), a streamed message waits for demand, or (framed)
 * a streamed message's end was not taken yet, so the next message must wait. It also stops,
 * without holding delivery, while the node's held-input budget makes the connection wait
 * ({@link #memoryAllowsReading}).
 *
 * <pre>
 *   event ─► held (in order) ─► not paused? ─► deliver: message ─► handler
 *                                                      start   ─► new MessageStream ─► handler
 *                                                      chunk   ─► the stream (it queues for demand)
 *                                                      end     ─► the stream
 *   paused ⇒ socket not read (autoRead off) and nothing delivered; what the current read still
 *   held waits here and is delivered in order on resume, before the socket is read again
 * </pre>
 *
 * Event loop only. Re-entrant calls (a handler that pauses and resumes from its callback)
 * are queued behind the delivery in progress, so order always holds.
 */
final class InboundFlow {

  /** Where the flow delivers, and what it asks of the connection. */
  interface Sink {
    boolean isOpen();

    /** One whole message (or raw chunk), owned by the sink. */
    void deliverMessage(ByteBuf message);

    /** Whether messages over the decoder's limit are taken as streams (else they close the connection). */
    boolean acceptsStreams();

    /** A message too long to hold and not streamed: the connection closes. */
    void refuseOversized(long length);

    /** A streamed message begins: hand it to the handler. */
    void openStream(io.asockio.api.MessageStream stream);

    /** Reads the socket, or stops reading it. */
    void reading(boolean on);
  }

  /** A streamed message begins (what an accepted {@link FrameEvents.OversizedFrame} becomes). */
  private record StreamStart(long length) {
  }

  private final Sink sink;
  private final ChannelConnection connection;
  private ArrayDeque<Object> held; // made on first use: most connections never hold a read
  private long heldBytes;
  private boolean draining;
  private boolean closed;
  private boolean pausedByApp;
  private boolean pausedByStream;
  private boolean waitingForMemory;
  private boolean reading = true;
  private ChannelMessageStream stream;   // the streamed message whose end was not taken yet
  private boolean inStreamFrame;  // between a StreamStart and its end: ByteBufs are chunks
  private long messagesIn;
  private long bytesIn;

  InboundFlow(Sink sink, ChannelConnection connection) {
    this.sink = sink;
    this.connection = connection;
  }

  /** An event from the pipeline: a ByteBuf (owned), an OversizedFrame or the end of a streamed frame. */
  void onEvent(Object event) {
    if (closed) {
      ReferenceCountUtil.release(event);
      return;
    }
    if (event instanceof FrameEvents.OversizedFrame) {
      FrameEvents.OversizedFrame frame = (FrameEvents.OversizedFrame) event;
      if (!sink.acceptsStreams()) {
        sink.refuseOversized(frame.length());
        return;
      }
      frame.stream(); // decided now, while the decoder waits for the answer; delivered in order
      event = new StreamStart(frame.length());
    }
    if (held == null) {
      held = new ArrayDeque<>(2);
    }
    held.add(event);
    heldBytes += size(event);
    drain();
  }

  /** Stops delivering and reading until {@link #resume()} (the application's pause). */
  void pause() {
    pausedByApp = true;
    updateReading();
  }

  /** Delivers what was held, then reads again (unless a delivery paused again). */
  void resume() {
    pausedByApp = false;
    drain();
  }

  boolean isPaused() {
    return pausedByApp || pausedByStream;
  }

  /**
   * The node's held-input budget lets this connection read ({@code true}) or makes it wait
   * ({@code false}); delivery of what was read goes on either way.
   */
  void memoryAllowsReading(boolean allowed) {
    waitingForMemory = !allowed;
    if (!draining) {
      updateReading();
    }
  }

  /** Whether the socket is being read. */
  boolean isReading() {
    return reading;
  }

  /** Bytes received and not delivered yet. */
  long heldBytes() {
    return heldBytes;
  }

  /** Called by the stream after each of its deliveries: holds the connection while it waits for demand. */
  void streamProgress(ChannelMessageStream progressed) {
    if (progressed != stream) {
      return;
    }
    if (progressed.isFinished()) {
      stream = null;
    }
    pausedByStream = stream != null && stream.blocked();
    drain();
  }

  /** The connection closed: releases what is held and fails an unfinished stream. */
  void close(String cause) {
    closed = true;
    releaseHeld();
    if (stream != null) {
      ChannelMessageStream s = stream;
      stream = null;
      s.fail("connection lost (" + cause + ")");
    }
  }

  private void drain() {
    if (draining) {
      return; // the delivery in progress goes on with what is held, in order
    }
    draining = true;
    try {
      while (!isPaused() && holdsInput() && sink.isOpen() && !closed) {
        Object event = held.poll();
        heldBytes -= size(event);
        deliver(event);
      }
    } finally {
      draining = false;
    }
    if (closed || !sink.isOpen()) {
      releaseHeld();
      return;
    }
    updateReading();
    if (!holdsInput()) {
      connection.ending.inputDelivered();
    }
  }

  /** Whether received events wait for delivery (the handler paused its reading). */
  boolean holdsInput() {
    return held != null && !held.isEmpty();
  }

  /** Messages delivered so far (a streamed one counts when it starts); event loop only. */
  long messagesIn() {
    return messagesIn;
  }

  /** Payload bytes delivered so far; event loop only. */
  long bytesIn() {
    return bytesIn;
  }

  private void deliver(Object event) {
    if (event instanceof ByteBuf) {
      ByteBuf bytes = (ByteBuf) event;
      bytesIn += bytes.readableBytes();
      if (!inStreamFrame) {
        messagesIn++;
      }
      if (inStreamFrame) {
        if (stream != null) {
          stream.push(bytes);
        } else {
          bytes.release();
        }
      } else {
        sink.deliverMessage(bytes);
      }
    } else if (event instanceof StreamStart) {
      messagesIn++;
      inStreamFrame = true;
      stream = new ChannelMessageStream(connection, this, ((StreamStart) event).length());
      sink.openStream(stream);
    } else if (event == FrameEvents.STREAM_END) {
      inStreamFrame = false;
      if (stream != null) {
        stream.pushEnd();
      }
    }
  }

  // Decided after the held input was delivered: its handler may have paused again.
  private void updateReading() {
    boolean on = !isPaused() && !waitingForMemory;
    if (on != reading) {
      reading = on;
      sink.reading(on);
    }
  }

  private void releaseHeld() {
    while (holdsInput()) {
      ReferenceCountUtil.release(held.poll());
    }
    heldBytes = 0;
  }

  private static long size(Object event) {
    return event instanceof ByteBuf ? ((ByteBuf) event).readableBytes() : 0;
  }
}
