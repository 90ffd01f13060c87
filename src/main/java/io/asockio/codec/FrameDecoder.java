package io.asockio.codec;

import io.vertx.core.buffer.Buffer;

/**
 * Streaming parser of asockio frames. Feed it bytes as they come from the socket, split
 * anywhere (also inside the 8-byte header); it emits events to its {@link Listener}.
 *
 * <pre>
 *  input  : 05 00 00 | 00 00 00 00 00 68 65 | 6c 6c 6f 00 00 00 00 00 00 00 00
 *  events :                                  onMessage("hello")            onMessage("")
 * </pre>
 *
 * <p>Memory: it never allocates from the declared length. A frame of at most
 * {@link #limit()} bytes is held whole, as slices of the reads it arrived in (a composite
 * buffer when it spans several reads): it costs exactly the bytes that came, so a peer that
 * announces a large frame and sends nothing costs nothing, and no byte is copied.
 *
 * <p>Ownership: {@link #feed} borrows its input for the duration of the call (the caller may
 * release a pooled read right after); what the decoder keeps beyond the call, it holds by a
 * reference of its own ({@link Bytes#retainedSlice}) and releases when done. Every buffer it
 * hands to the listener is likewise borrowed: valid until the callback returns. A listener
 * that keeps one copies it ({@link Bytes#heapCopy}) or retains it.
 *
 * <p>A longer frame is offered to {@link Listener#onOversizedFrame}: the listener either
 * takes it as a stream of chunks ({@link Listener#onFrameChunk}, then
 * {@link Listener#onFrameEnd}) or refuses it, which stops the decoder for good.
 *
 * <p>Not thread-safe: one decoder per connection, used on the connection's event loop.
 */
public final class FrameDecoder {

  /** Receives decoding events. Any callback may call {@link #stop()}. */
  public interface Listener {

    /** A whole message, borrowed: valid until this returns. */
    void onMessage(Buffer payload);

    /**
     * A frame longer than {@link #limit()}. Return {@code true} to receive it as a stream of
     * chunks, {@code false} to refuse it: the decoder stops and ignores the rest.
     *
     * @param length the declared payload length, unsigned
     */
    default boolean onOversizedFrame(long length) {
      return false;
    }

    /** A piece of a streamed frame's payload, in order; borrowed: valid until this returns. */
    default void onFrameChunk(Buffer chunk) {
    }

    /** The last chunk of a streamed frame was delivered. */
    default void onFrameEnd() {
    }
  }

  private enum State { HEADER, BODY, STREAM, RAW, STOPPED }

  private final Listener listener;
  private long limit;
  private State state = State.HEADER;

  // Header bytes seen so far, when a header is split across reads.
  private long partialHeader;
  private int headerBytes;

  // Body of the frame being buffered (BODY) or the bytes left of a stream (STREAM).
  private int bodyLength;
  // Pieces of the frame being assembled: slices of the reads they came in (no copy).
  private final java.util.ArrayList<Buffer> parts = new java.util.ArrayList<>();
  private int bodyReceived;
  private long streamRemaining;
  private java.util.function.Consumer<Buffer> rawSink;

  // Suspension: input that arrived, or was left over, while a listener could not take more.
  private boolean suspended;
  private boolean decoding;
  private final java.util.ArrayDeque<Buffer> held = new java.util.ArrayDeque<>();

  /**
   * @param limit    largest payload buffered whole, in bytes (at most
   *                 {@link Frames#MAX_IN_MEMORY_PAYLOAD})
   * @param listener receives the events
   */
  public FrameDecoder(long limit, Listener listener) {
    this.listener = listener;
    limit(limit);
  }

  /** Largest payload buffered whole. */
  public long limit() {
    return limit;
  }

  /** Changes the limit; it applies from the next header on (e.g. after a handshake). */
  public void limit(long limit) {
    if (limit < 0 || limit > Frames.MAX_IN_MEMORY_PAYLOAD) {
      throw new IllegalArgumentException("limit must be 0.." + Frames.MAX_IN_MEMORY_PAYLOAD + ", got " + limit);
    }
    this.limit = limit;
  }

  /** Stops decoding for good: later input is ignored. */
  public void stop() {
    state = State.STOPPED;
    releaseParts();
    while (!held.isEmpty()) {
      Bytes.release(held.poll());
    }
  }

  private void releaseParts() {
    parts.forEach(Bytes::release);
    parts.clear();
  }

  /**
   * Stops framing: from now on every byte goes to {@code sink} as it comes, starting with
   * any partial header or body already buffered and the rest of the current read. May be
   * called from a callback.
   */
  public void switchToRaw(java.util.function.Consumer<Buffer> sink) {
    if (state == State.STOPPED || state == State.RAW) {
      return;
    }
    Buffer leftover = Buffer.buffer();
    if (headerBytes > 0) {
      for (int i = 0; i < headerBytes; i++) {
        leftover.appendByte((byte) (partialHeader >>> (8 * i)));
      }
    } else if (state == State.BODY) {
      // The header was consumed already: give it back, so the raw reader sees the bytes as sent.
      leftover.appendLongLE(bodyLength);
      parts.forEach(leftover::appendBuffer);
    }
    partialHeader = 0;
    headerBytes = 0;
    releaseParts();
    bodyReceived = 0;
    state = State.RAW;
    rawSink = sink;
    if (leftover.length() > 0) {
      sink.accept(leftover);
    }
  }

  /** Whether {@link #switchToRaw} was called. */
  public boolean isRaw() {
    return state == State.RAW;
  }

  /** Whether {@link #stop()} was called or a frame was refused. */
  public boolean isStopped() {
    return state == State.STOPPED;
  }

  /** Whether the decoder sits between frames (no partial header or body buffered). */
  public boolean isAtFrameBoundary() {
    return state == State.HEADER && headerBytes == 0;
  }

  /**
   * Stops emitting events, from within a callback: the rest of the current input and any
   * later input is held (the caller pauses the socket so that little arrives) until
   * {@link #resume()}. This is how a streamed message's consumer holds back the next
   * message until it has taken the stream's end.
   */
  public void suspend() {
    suspended = true;
  }

  /** Whether {@link #suspend()} is in force. */
  public boolean isSuspended() {
    return suspended;
  }

  /** Continues decoding the held input; may emit events (and be suspended again) before it returns. */
  public void resume() {
    suspended = false;
    if (!decoding) {
      drainHeld();
    }
  }

  /** Bytes held while suspended. */
  public long heldBytes() {
    long n = 0;
    for (Buffer b : held) {
      n += b.length();
    }
    return n;
  }

  /**
   * Decodes {@code data}; emits every event it completes. Input that arrives while suspended,
   * or re-entrantly from within a callback, is held and decoded in order afterwards.
   */
  public void feed(Buffer data) {
    if (state == State.STOPPED) {
      return;
    }
    if (decoding || suspended || !held.isEmpty()) {
      held.add(Bytes.retainedSlice(data, 0, data.length()));
      if (!decoding && !suspended) {
        drainHeld();
      }
      return;
    }
    decoding = true;
    try {
      decode(data);
      decodeHeld();
    } finally {
      decoding = false;
    }
  }

  private void drainHeld() {
    decoding = true;
    try {
      decodeHeld();
    } finally {
      decoding = false;
    }
  }

  private void decodeHeld() {
    while (!suspended && !held.isEmpty() && state != State.STOPPED) {
      Buffer next = held.poll();
      try {
        decode(next);
      } finally {
        Bytes.release(next);
      }
    }
  }

  private void decode(Buffer data) {
    int pos = 0;
    int end = data.length();
    while (pos < end) {
      if (suspended) {
        held.addFirst(Bytes.retainedSlice(data, pos, end));
        return;
      }
      switch (state) {
        case HEADER: {
          if (headerBytes == 0 && end - pos >= Frames.HEADER_SIZE) {
            long length = data.getLongLE(pos);
            pos += Frames.HEADER_SIZE;
            pos = onHeader(length, data, pos, end);
          } else {
            partialHeader |= (data.getByte(pos++) & 0xFFL) << (8 * headerBytes);
            if (++headerBytes == Frames.HEADER_SIZE) {
              long length = partialHeader;
              partialHeader = 0;
              headerBytes = 0;
              pos = onHeader(length, data, pos, end);
            }
          }
          break;
        }
        case BODY: {
          int take = Math.min(bodyLength - bodyReceived, end - pos);
          parts.add(Bytes.retainedSlice(data, pos, pos + take));
          bodyReceived += take;
          pos += take;
          if (bodyReceived == bodyLength) {
            Buffer message = assemble();
            state = State.HEADER;
            try {
              listener.onMessage(message);
            } finally {
              Bytes.release(message);
            }
          }
          break;
        }
        case STREAM: {
          int available = end - pos;
          int take = Long.compareUnsigned(streamRemaining, available) < 0 ? (int) streamRemaining : available;
          Buffer chunk = data.slice(pos, pos + take);
          pos += take;
          streamRemaining -= take;
          boolean last = streamRemaining == 0;
          if (last) {
            state = State.HEADER;
          }
          listener.onFrameChunk(chunk);
          if (last && state != State.STOPPED) {
            listener.onFrameEnd();
          }
          break;
        }
        case RAW:
          rawSink.accept(pos == 0 && end == data.length() ? data : data.slice(pos, end));
          return;
        case STOPPED:
          return;
        default:
          throw new IllegalStateException(state.name());
      }
    }
  }

  // Returns the new read position. Whole frames within this read go out as slices.
  private int onHeader(long length, Buffer data, int pos, int end) {
    if (Long.compareUnsigned(length, limit) > 0) {
      if (listener.onOversizedFrame(length)) {
        if (state == State.STOPPED) {
          return end;
        }
        state = State.STREAM;
        streamRemaining = length;
        if (length == 0) {
          state = State.HEADER;
          listener.onFrameEnd();
        }
      } else {
        stop();
        return end;
      }
      return pos;
    }
    int len = (int) length;
    if (end - pos >= len) {
      listener.onMessage(data.slice(pos, pos + len));
      return pos + len;
    }
    state = State.BODY;
    bodyLength = len;
    releaseParts();
    bodyReceived = 0;
    return pos;
  }

  // One piece is the message itself; several become a composite over the read buffers (no
  // copy) that owns their references: releasing the message releases them.
  private Buffer assemble() {
    Buffer message;
    if (parts.size() == 1) {
      message = parts.get(0);
    } else {
      io.netty.buffer.ByteBuf[] bufs = new io.netty.buffer.ByteBuf[parts.size()];
      for (int i = 0; i < bufs.length; i++) {
        bufs[i] = Bytes.byteBuf(parts.get(i));
      }
      message = Bytes.wrap(io.netty.buffer.Unpooled.wrappedBuffer(bufs.length, bufs));
    }
    parts.clear();
    bodyReceived = 0;
    return message;
  }
}
