package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Builds frames: an 8-byte little-endian length, then the payload.
 *
 * <pre>
 *   frame(payload) = [ LEN (8 bytes LE) | payload ]
 * </pre>
 *
 * Payloads above {@link #COPY_THRESHOLD} bytes are not copied: the frame is a composite
 * of a fresh header and the caller's payload, so the caller must not modify the payload
 * after handing it over. Small payloads are copied next to the header, which is cheaper
 * for the socket than a composite.
 */
public final class FrameEncoder {

  /** Below this size one copy into a single buffer costs less than a composite buffer. */
  public static final int COPY_THRESHOLD = 1024;

  private FrameEncoder() {
  }

  /** The 8-byte header announcing {@code payloadLength} bytes (unsigned). */
  public static Buffer header(long payloadLength) {
    return Buffer.buffer(Frames.HEADER_SIZE).appendLongLE(payloadLength);
  }

  /** A whole frame carrying {@code payload}. */
  public static Buffer frame(Buffer payload) {
    int length = payload.length();
    if (length <= COPY_THRESHOLD) {
      return Buffer.buffer(Frames.HEADER_SIZE + length).appendLongLE(length).appendBuffer(payload);
    }
    ByteBuf header = Unpooled.buffer(Frames.HEADER_SIZE, Frames.HEADER_SIZE).writeLongLE(length);
    ByteBuf body = ((BufferInternal) payload).getByteBuf();
    return BufferInternal.buffer(Unpooled.wrappedUnmodifiableBuffer(header, body));
  }

  /**
   * A whole frame as a Netty buffer of the caller's own, to hand to a channel (which releases
   * it). Small payloads are copied next to the header in memory from {@code alloc} (direct,
   * so the socket write needs no further copy); larger ones are a composite of the header and
   * a reference to the payload, so a borrowed payload stays valid until written.
   */
  public static ByteBuf frameOwned(Buffer payload, ByteBufAllocator alloc) {
    int length = payload.length();
    if (length <= COPY_THRESHOLD) {
      ByteBuf frame = alloc.directBuffer(Frames.HEADER_SIZE + length);
      return frame.writeLongLE(length).writeBytes(Bytes.byteBuf(payload), 0, length);
    }
    ByteBuf header = alloc.directBuffer(Frames.HEADER_SIZE, Frames.HEADER_SIZE).writeLongLE(length);
    return Unpooled.wrappedUnmodifiableBuffer(header, Bytes.owned(payload));
  }

  /** Several frames in one buffer, in order (one socket write for a batch). */
  public static Buffer frames(Iterable<Buffer> payloads) {
    Buffer out = Buffer.buffer();
    for (Buffer payload : payloads) {
      out.appendLongLE(payload.length()).appendBuffer(payload);
    }
    return out;
  }

  /** A refusal frame: {@code ERR <reason>}. The reason must not carry the peer's bytes. */
  public static Buffer refusal(String reason) {
    return frame(Buffer.buffer(Frames.ERR_PREFIX + reason));
  }
}
