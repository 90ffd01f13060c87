package io.asockio.impl.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole message written to a datagram channel as it is, without a header to cut at: the
 * single sends of a UDP peer take this way, so that an echoed datagram goes back out of the
 * memory it came in (no copy, no allocation). A {@code ByteBufHolder}, so that the channel's
 * output buffer counts its bytes.
 */
public final class DatagramMessage extends DefaultByteBufHolder {

  DatagramMessage(ByteBuf payload) {
    super(payload);
  }
}
