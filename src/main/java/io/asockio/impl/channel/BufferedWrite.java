package io.asockio.impl.channel;

import io.asockio.api.SendException;
import io.netty.buffer.ByteBuf;

/** One buffered write waiting behind a sender in an {@link OutboundQueue}'s backlog. */
final class BufferedWrite implements BacklogEntry {
  private final ByteBuf bytes;
  private final int size; // read once: Netty moves the indices as it writes

  BufferedWrite(ByteBuf bytes) {
    this.bytes = bytes;
    this.size = bytes.readableBytes();
  }

  @Override
  public Progress pump(OutboundQueue out) {
    out.write(bytes);
    return Progress.DONE;
  }

  @Override
  public long bufferedBytes() {
    return size;
  }

  @Override
  public void fail(SendException cause) {
    bytes.release();
  }
}
