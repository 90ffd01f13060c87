package io.asockio.impl.channel;

import io.asockio.impl.vertx.VertxBuffers;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;

/**
 * Read buffers lent to a handler that reads in place, and the way back: a send of such a
 * buffer (or of a slice of it) must hold a reference of its own to the pooled memory, since
 * the read goes back to the pool when the callback returns while the write may still wait.
 *
 * <pre>
 *  pooled read ─► message ByteBuf ─► lend(): Buffer view ─► handler ─► send(view or a slice)
 *                                                                        └─ owned(): a retained
 *                                                                           slice of the same memory
 * </pre>
 *
 * Heap buffers and unpooled ones (Vert.x's own, {@code SharedBuffers}) are written as they
 * are; pooled memory that was not lent here is copied, which is always safe. Event loop only.
 */
final class Lending {

  private ByteBuf lent;
  private ByteBuf lentRoot;

  /** Lends {@code message} (still owned by the caller) as a Buffer until {@link #end()}. */
  Buffer lend(ByteBuf message) {
    lent = message;
    lentRoot = root(message);
    return VertxBuffers.wrap(message);
  }

  /** The callback returned: sends from now on copy pooled memory. */
  void end() {
    lent = null;
    lentRoot = null;
  }

  /** The readable bytes of a payload ({@code view}: its {@code VertxBuffers.view}) as a reference Netty may write and release. */
  ByteBuf owned(ByteBuf view) {
    ByteBuf root = root(view);
    if (!isPooled(root)) {
      return view; // memory the garbage collector owns, or that is never freed
    }
    if (root == lentRoot) {
      // A reference taken through the lent buffer itself, so that its own count (and a leak
      // detector's view of it) stays exact.
      int length = view.readableBytes();
      long index = -1;
      if (lent.hasMemoryAddress() && view.hasMemoryAddress()) {
        index = view.memoryAddress() + view.readerIndex() - lent.memoryAddress();
      } else if (lent.hasArray() && view.hasArray() && lent.array() == view.array()) {
        index = view.arrayOffset() + view.readerIndex() - lent.arrayOffset();
      } else if (length == lent.readableBytes()) {
        return lent.retainedDuplicate(); // the whole message (a composite has no single address)
      }
      if (index >= 0 && index + length <= lent.capacity()) {
        return lent.retainedSlice((int) index, length);
      }
    }
    return view.alloc().directBuffer(view.readableBytes()).writeBytes(view, view.readerIndex(), view.readableBytes());
  }

  /** Whether {@code view}'s memory belongs to no pool (so a reference to it never holds pooled memory back). */
  static boolean outsideAnyPool(ByteBuf view) {
    return !isPooled(root(view));
  }

  private static ByteBuf root(ByteBuf buf) {
    ByteBuf root = buf;
    for (ByteBuf inner = root.unwrap(); inner != null; inner = root.unwrap()) {
      root = inner;
    }
    return root;
  }

  private static boolean isPooled(ByteBuf root) {
    if (root instanceof CompositeByteBuf) {
      return true;
    }
    ByteBufAllocator alloc = root.alloc();
    return alloc instanceof PooledByteBufAllocator || alloc instanceof AdaptiveByteBufAllocator;
  }
}
