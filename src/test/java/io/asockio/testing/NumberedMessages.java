package io.asockio.testing;

import io.vertx.core.buffer.Buffer;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lazy generator of {@code total} messages of {@code size} bytes, each starting with its
 * number (a big-endian int), that records how many were produced but not yet counted as
 * received: a sender that pulls it ahead of the socket shows up in {@link #maxInFlight()}.
 */
public final class NumberedMessages implements Iterator<Buffer> {

  private final int total;
  private final int size;
  private final AtomicLong received = new AtomicLong();
  private int next;
  private volatile long maxInFlight;

  public NumberedMessages(int total, int size) {
    if (size < 4) {
      throw new IllegalArgumentException("a message holds its number: at least 4 bytes, not " + size);
    }
    this.total = total;
    this.size = size;
  }

  @Override
  public boolean hasNext() {
    return next < total;
  }

  @Override
  public Buffer next() {
    maxInFlight = Math.max(maxInFlight, next + 1 - received.get());
    return Buffer.buffer(size).appendInt(next++).appendBytes(new byte[size - 4]);
  }

  /** The reader counts one message as arrived. */
  public void received() {
    received.incrementAndGet();
  }

  /** How many were produced. */
  public int produced() {
    return next;
  }

  /** The most messages produced and not yet received at any time. */
  public long maxInFlight() {
    return maxInFlight;
  }
}
