package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Ownership helpers between Vert.x buffers and Netty's reference-counted ones. Internal to
 * asockio.
 *
 * <p>Reads arrive in Netty's pooled buffers, which go back to the pool when released: a
 * {@link Buffer} over such memory is <em>borrowed</em> and valid only while its lender holds
 * it. Whatever outlives the lender takes a reference ({@link #retainedSlice}) or a copy
 * ({@link #heapCopy}); whatever is handed to Netty for writing is a reference of its own
 * ({@link #owned}), which Netty releases once written. Retaining and releasing Vert.x's own
 * heap buffers costs nothing (they are not counted), so the same code serves both.
 */
public final class Bytes {

  private Bytes() {
  }

  /** The Netty buffer under {@code buffer}; its content starts at index 0. */
  public static ByteBuf byteBuf(Buffer buffer) {
    if (buffer instanceof BufferImpl) {
      return ((BufferImpl) buffer).byteBuf();
    }
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** A buffer over {@code bytes} without copying; a borrowed view when {@code bytes} is pooled. */
  public static Buffer wrap(ByteBuf bytes) {
    return BufferInternal.buffer(bytes.readerIndex() == 0 ? bytes : bytes.slice());
  }

  /** Bytes {@code [from, to)} of {@code buffer}, holding a reference of their own: release it with {@link #release}. */
  public static Buffer retainedSlice(Buffer buffer, int from, int to) {
    return BufferInternal.buffer(byteBuf(buffer).retainedSlice(from, to - from));
  }

  /** Drops one reference taken by {@link #retainedSlice} (or held from a read). */
  public static void release(Buffer buffer) {
    byteBuf(buffer).release();
  }

  /** A reference to all of {@code buffer} for Netty to write and release; the caller's buffer is untouched. */
  public static ByteBuf owned(Buffer buffer) {
    return byteBuf(buffer).retainedSlice();
  }

  /** A heap copy that belongs to whoever receives it, independent of any pool. */
  public static Buffer heapCopy(Buffer buffer) {
    return Buffer.buffer(buffer.length()).appendBuffer(buffer);
  }
}
