package io.asockio.impl.vertx;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Vert.x {@link Buffer}s over Netty {@link ByteBuf}s, and back. */
public final class VertxBuffers {

  private VertxBuffers() {
  }

  /** A buffer over {@code bytes} without copying (a view: it does not own them). */
  public static Buffer wrap(ByteBuf bytes) {
    return BufferInternal.buffer(bytes);
  }

  /** A growable heap copy of the readable bytes of {@code bytes}, owned by whoever receives it. */
  public static Buffer heapCopy(ByteBuf bytes) {
    return Buffer.buffer(bytes.readableBytes()).appendBuffer(wrap(bytes));
  }

  /**
   * A view of the readable bytes of {@code buffer}. Releasing it is harmless (Vert.x hands
   * out a view that does not free the memory), but it holds no reference either: the
   * memory lives as long as {@code buffer}'s owner keeps it.
   */
  public static ByteBuf view(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }
}
