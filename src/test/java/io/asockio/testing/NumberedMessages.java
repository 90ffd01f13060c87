package io.asockio.testing;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * How many framed messages of {@code framedSize} bytes may sit between a bounded sender and
   * a reader whose socket receive buffer is {@code receiveBuffer} bytes (as the kernel reports
   * it): the sender's kernel send buffer, which Linux grows up to {@code tcp_wmem}'s maximum,
   * the write queue up to its 1 MiB high-water mark, the receive buffer, and 1 MiB of margin
   * (measured here: exactly the first three, 5.3 MB of 24-byte frames). A reader that leaves its receive buffer to the kernel is unbounded here
   * ({@code tcp_rmem}'s maximum can be 32 MiB), so tests pin it.
   */
  public static long inFlightAllowance(int framedSize, int receiveBuffer) {
    long sendBuffer = 4L << 20;
    try {
      // readString stops short on /proc files (their size reads as 0); readAllLines does not.
      String[] wmem = Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
      sendBuffer = Long.parseLong(wmem[wmem.length - 1]);
    } catch (IOException | RuntimeException notLinux) {
      // keep the Linux default
    }
    return (sendBuffer + 2L * (1 << 20) + receiveBuffer) / framedSize + 1;
  }

  /** The most messages produced and not yet received at any time. */
  public long maxInFlight() {
    return maxInFlight;
  }
}
