package io.asockio.api;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.asockio.impl.vertx.VertxBuffers;

/**
 * Buffers meant to be sent many times (a cached response, a broadcast): their bytes live
 * off-heap once, so the socket writes them without the heap-to-direct copy that every
 * send of a heap buffer costs. They must not be modified after creation.
 */
public final class SharedBuffers {

  private SharedBuffers() {
  }

  /** An off-heap, never-released copy of {@code bytes}, to send as often as needed. */
  public static Buffer of(byte[] bytes) {
    return VertxBuffers.wrap(Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes)));
  }
}
