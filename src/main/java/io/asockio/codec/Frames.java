package io.asockio.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Constants and small helpers of the asockio frame format.
 *
 * <pre>
 * +--------------------------------+----------------------------+
 * | LEN: 8 bytes, unsigned,        | PAYLOAD: exactly LEN bytes |
 * | little-endian payload length   | opaque to the core         |
 * +--------------------------------+----------------------------+
 *   05 00 00 00 00 00 00 00          68 65 6c 6c 6f   ("hello")
 * </pre>
 *
 * LEN ranges over 0 .. 2^64-1; in Java it is an unsigned {@code long}: compare it with
 * {@link Long#compareUnsigned}, never with {@code <}.
 */
public final class Frames {

  /** Size of the length prefix. */
  public static final int HEADER_SIZE = 8;

  /**
   * Largest payload that can be held whole in one buffer (int-indexed). Longer messages can
   * only be streamed.
   */
  public static final int MAX_IN_MEMORY_PAYLOAD = Integer.MAX_VALUE - HEADER_SIZE - 64;

  /** Payload of the accepting side's answer to an accepted keyword. */
  public static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

  /** Prefix of the payload of a refusal: {@code ERR <reason>}. */
  public static final String ERR_PREFIX = "ERR ";

  private Frames() {
  }

  /** Whether a handshake answer payload is the accepting {@code OK}. */
  public static boolean isOk(ByteBuf payload) {
    int at = payload.readerIndex();
    return payload.readableBytes() == 2 && payload.getByte(at) == 'O' && payload.getByte(at + 1) == 'K';
  }

  /** The refusal reason of an {@code ERR <reason>} payload, or null when it is not one. */
  public static String refusalReason(ByteBuf payload) {
    String text = payload.toString(StandardCharsets.UTF_8);
    return text.startsWith(ERR_PREFIX) ? text.substring(ERR_PREFIX.length()) : null;
  }

  /** Renders an unsigned length for humans (logs, errors). */
  public static String unsigned(long length) {
    return Long.toUnsignedString(length);
  }
}
