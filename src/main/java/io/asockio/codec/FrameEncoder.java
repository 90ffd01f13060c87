package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Builds frames: an 8-byte little-endian length, then the payload.
 *
 * <pre>
 *   frame(payload) = [ LEN (8 bytes LE) | payload ]
 * </pre>
 *
 * Every frame is a buffer of the caller's own, meant to be handed to a channel, which
 * releases it. Payloads up to {@link #COPY_THRESHOLD} bytes are copied next to their header
 * (one buffer is cheaper for the socket than a composite); larger ones are not copied: the
 * frame is a composite of a fresh header and the payload, which it takes over.
 */
public final class FrameEncoder {

  /** Up to this size one copy into a single buffer costs less than a composite buffer. */
  public static final int COPY_THRESHOLD = 1024;

  private FrameEncoder() {
  }

  /** The 8-byte header announcing {@code payloadLength} bytes (unsigned). */
  public static ByteBuf header(ByteBufAllocator alloc, long payloadLength) {
    return alloc.directBuffer(Frames.HEADER_SIZE, Frames.HEADER_SIZE).writeLongLE(payloadLength);
  }

  /**
   * A whole frame carrying {@code payload}, which it takes over (released now when copied,
   * or when the frame is released).
   */
  public static ByteBuf frame(ByteBufAllocator alloc, ByteBuf payload) {
    int length = payload.readableBytes();
    if (length <= COPY_THRESHOLD) {
      try {
        return alloc.directBuffer(Frames.HEADER_SIZE + length).writeLongLE(length)
            .writeBytes(payload, payload.readerIndex(), length);
      } finally {
        payload.release();
      }
    }
    return alloc.compositeDirectBuffer(2).addComponents(true, header(alloc, length), payload);
  }

  /** A whole frame carrying a copy of {@code payload}. */
  public static ByteBuf frame(ByteBufAllocator alloc, byte[] payload) {
    return alloc.directBuffer(Frames.HEADER_SIZE + payload.length).writeLongLE(payload.length).writeBytes(payload);
  }

  /** A refusal frame: {@code ERR <reason>}. The reason must not carry the peer's bytes. */
  public static ByteBuf refusal(ByteBufAllocator alloc, String reason) {
    return frame(alloc, (Frames.ERR_PREFIX + reason).getBytes(StandardCharsets.UTF_8));
  }
}
