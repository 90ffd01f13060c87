package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.function.Consumer;

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
 * {@link #limit()} bytes is held whole as it arrives, and costs about the bytes that came,
 * however the peer sliced them. A piece is kept as a slice of the read it came in (no copy)
 * while the read buffers kept alive stay within {@link #KEEP_RATIO} of the bytes received
 * plus {@link #ACCUMULATION_CHUNK}; beyond, pieces are copied into accumulation buffers of
 * at most {@link #ACCUMULATION_CHUNK} bytes, so that a trickle of tiny reads does not pin a
 * pooled read buffer each. So a frame spanning a few full reads costs no copy, and a frame
 * trickled in one-byte reads costs at most about 1.25x its bytes plus two accumulation
 * buffers. A peer that announces a large frame and sends nothing costs nothing.
 *
 * <p>Ownership (Netty's convention): {@link #feed} borrows its input for the duration of the
 * call; every buffer handed to the listener belongs to the listener, which releases it.
 *
 * <p>A frame longer than the limit is offered to {@link Listener#onOversizedFrame}: the
 * listener either takes it as a stream of chunks ({@link Listener#onFrameChunk}, then
 * {@link Listener#onFrameEnd}) or refuses it, which stops the decoder for good.
 *
 * <p>Not thread-safe: one decoder per connection, used on the connection's event loop.
 */
public final class FrameDecoder {

  /** Receives decoding events. Any callback may call {@link #stop()} or {@link #switchToRaw}. */
  public interface Listener {

    /** A whole message; the listener owns it and releases it. */
    void onMessage(ByteBuf payload);

    /**
     * A frame longer than {@link #limit()}. Return {@code true} to receive it as a stream of
     * chunks, {@code false} to refuse it: the decoder stops and ignores the rest.
     *
     * @param length the declared payload length, unsigned
     */
    default boolean onOversizedFrame(long length) {
      return false;
    }

    /** A piece of a streamed frame's payload, in order; the listener owns it and releases it. */
    default void onFrameChunk(ByteBuf chunk) {
      chunk.release();
    }

    /** The last chunk of a streamed frame was delivered. */
    default void onFrameEnd() {
    }
  }

  /** Largest accumulation buffer for small pieces of a partial frame (a constant's worth of slack). */
  public static final int ACCUMULATION_CHUNK = 64 * 1024;
  /** Read buffers kept alive by a partial frame stay within this multiple of its bytes (plus one chunk). */
  public static final double KEEP_RATIO = 1.25;

  private enum State { HEADER, BODY, STREAM, RAW, STOPPED }

  private final Listener listener;
  private final ByteBufAllocator alloc;
  private long limit;
  private State state = State.HEADER;

  // Header bytes seen so far, when a header is split across reads.
  private long partialHeader;
  private int headerBytes;

  // BODY: the frame being assembled, as pieces (slices of reads, or accumulation buffers).
  private int bodyLength;
  private int bodyReceived;
  private final ArrayList<ByteBuf> parts = new ArrayList<>();
  private ByteBuf accumulator; // the last of parts when it still has room, else null
  private long retained;       // capacity of the buffers the parts keep alive

  // STREAM: bytes left of the streamed frame.
  private long streamRemaining;
  private Consumer<ByteBuf> rawSink;

  /**
   * @param limit    largest payload buffered whole, in bytes (at most {@link Frames#MAX_IN_MEMORY_PAYLOAD})
   * @param alloc    where accumulation buffers come from
   * @param listener receives the events
   */
  public FrameDecoder(long limit, ByteBufAllocator alloc, Listener listener) {
    this.listener = listener;
    this.alloc = alloc;
    limit(limit);
  }

  /** Largest payload buffered whole. */
  public long limit() {
    return limit;
  }

  /** Changes the limit; it applies from the next header on (e.g. after a handshake). */
  public void limit(long newLimit) {
    if (newLimit < 0 || newLimit > Frames.MAX_IN_MEMORY_PAYLOAD) {
      throw new IllegalArgumentException("limit must be 0.." + Frames.MAX_IN_MEMORY_PAYLOAD + ", got " + newLimit);
    }
    this.limit = newLimit;
  }

  /** Stops decoding for good and releases what it holds: later input is ignored. */
  public void stop() {
    state = State.STOPPED;
    releaseParts();
  }

  /** Whether {@link #stop()} was called or a frame was refused. */
  public boolean isStopped() {
    return state == State.STOPPED;
  }

  /** Whether {@link #switchToRaw} was called. */
  public boolean isRaw() {
    return state == State.RAW;
  }

  /** Whether the decoder sits between frames (no partial header or body held). */
  public boolean isAtFrameBoundary() {
    return state == State.HEADER && headerBytes == 0;
  }

  /** Bytes of a partial frame held right now (header and body). */
  public long heldBytes() {
    return headerBytes + (state == State.BODY ? bodyReceived : 0);
  }

  /** The announced length of the partial frame held whole now (0 between frames and while streaming). */
  public long partialFrameLength() {
    return state == State.BODY ? bodyLength : 0;
  }

  /**
   * Memory pinned by the partial frame held right now: the capacity of the buffers its
   * pieces keep alive. About {@link #heldBytes()}, plus at most one accumulation buffer's slack.
   */
  public long retainedBytes() {
    return retained;
  }

  /**
   * Stops framing: from now on every byte goes to {@code sink} as it comes (the sink owns
   * what it gets), starting with any partial header or body already held and the rest of
   * the current input. May be called from a callback.
   */
  public void switchToRaw(Consumer<ByteBuf> sink) {
    if (state == State.STOPPED || state == State.RAW) {
      return;
    }
    ByteBuf leftover = null;
    if (headerBytes > 0) {
      leftover = alloc.buffer(headerBytes);
      for (int i = 0; i < headerBytes; i++) {
        leftover.writeByte((int) (partialHeader >>> (8 * i)));
      }
    } else if (state == State.BODY) {
      // The header was consumed already: give it back, so that the raw reader sees the bytes as sent.
      leftover = alloc.buffer(Frames.HEADER_SIZE + bodyReceived);
      leftover.writeLongLE(bodyLength);
      for (ByteBuf part : parts) {
        leftover.writeBytes(part, part.readerIndex(), part.readableBytes());
      }
    }
    partialHeader = 0;
    headerBytes = 0;
    releaseParts();
    state = State.RAW;
    rawSink = sink;
    if (leftover != null) {
      sink.accept(leftover);
    }
  }

  /** Decodes {@code data} (borrowed) and emits every event it completes. */
  public void feed(ByteBuf data) {
    int pos = data.readerIndex();
    int end = data.writerIndex();
    while (pos < end) {
      switch (state) {
        case HEADER: {
          if (headerBytes == 0 && end - pos >= Frames.HEADER_SIZE) {
            long length = data.getLongLE(pos);
            pos = onHeader(length, data, pos + Frames.HEADER_SIZE, end);
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
          addPart(data, pos, take);
          pos += take;
          if (bodyReceived == bodyLength) {
            ByteBuf message = assemble();
            state = State.HEADER;
            listener.onMessage(message);
          }
          break;
        }
        case STREAM: {
          int available = end - pos;
          int take = Long.compareUnsigned(streamRemaining, available) < 0 ? (int) streamRemaining : available;
          ByteBuf chunk = data.retainedSlice(pos, take);
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
          rawSink.accept(data.retainedSlice(pos, end - pos));
          return;
        case STOPPED:
          return;
        default:
          throw new IllegalStateException(state.name());
      }
    }
  }

  // Returns the new read position. Whole frames within this read go out as slices of it.
  private int onHeader(long length, ByteBuf data, int pos, int end) {
    if (Long.compareUnsigned(length, limit) > 0) {
      if (!listener.onOversizedFrame(length)) {
        stop();
        return end;
      }
      if (state == State.STOPPED) {
        return end;
      }
      state = State.STREAM;
      streamRemaining = length;
      if (length == 0) {
        state = State.HEADER;
        listener.onFrameEnd();
      }
      return pos;
    }
    int len = (int) length;
    if (end - pos >= len) {
      listener.onMessage(data.retainedSlice(pos, len));
      return pos + len;
    }
    state = State.BODY;
    bodyLength = len;
    bodyReceived = 0;
    return pos;
  }

  // A piece is kept as a slice while that keeps the memory held within budget; otherwise it
  // is copied, so that the bytes held stay about the bytes received however the peer sliced them.
  private void addPart(ByteBuf data, int pos, int take) {
    bodyReceived += take;
    if (retained + data.capacity() <= KEEP_RATIO * bodyReceived + ACCUMULATION_CHUNK) {
      parts.add(data.retainedSlice(pos, take));
      retained += data.capacity();
      accumulator = null;
      return;
    }
    while (take > 0) {
      if (accumulator == null || !accumulator.isWritable()) {
        int remaining = bodyLength - bodyReceived + take;
        accumulator = alloc.directBuffer(Math.min(remaining, ACCUMULATION_CHUNK));
        retained += accumulator.capacity();
        parts.add(accumulator);
      }
      int n = Math.min(take, accumulator.writableBytes());
      accumulator.writeBytes(data, pos, n);
      pos += n;
      take -= n;
    }
  }

  // One piece is the message itself; several become a composite that owns their references.
  private ByteBuf assemble() {
    ByteBuf message;
    if (parts.size() == 1) {
      message = parts.get(0);
    } else {
      message = alloc.compositeDirectBuffer(parts.size()).addComponents(true, parts);
    }
    parts.clear();
    accumulator = null;
    retained = 0;
    bodyReceived = 0;
    return message;
  }

  private void releaseParts() {
    parts.forEach(ByteBuf::release);
    parts.clear();
    accumulator = null;
    retained = 0;
    bodyReceived = 0;
  }
}
