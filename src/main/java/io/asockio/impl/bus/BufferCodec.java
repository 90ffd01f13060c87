package io.asockio.impl.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Buffers over the event bus without the copy Vert.x's default codec makes on local
 * delivery. Safe because asockio never modifies a buffer after handing it over, and senders
 * to asockio must not modify theirs either. Across the cluster it writes the bytes as they are.
 */
public final class BufferCodec implements MessageCodec<Buffer, Buffer> {

  /** Name to put in {@code DeliveryOptions.setCodecName}. */
  public static final String NAME = io.asockio.api.BusAddresses.CODEC;

  @Override
  public void encodeToWire(Buffer wire, Buffer buffer) {
    wire.appendInt(buffer.length()).appendBuffer(buffer);
  }

  @Override
  public Buffer decodeFromWire(int pos, Buffer wire) {
    int length = wire.getInt(pos);
    return wire.getBuffer(pos + 4, pos + 4 + length);
  }

  @Override
  public Buffer transform(Buffer buffer) {
    return buffer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
