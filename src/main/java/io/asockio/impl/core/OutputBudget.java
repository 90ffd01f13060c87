package io.asockio.impl.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Output queued on every connection of a node together ({@code limits.maxNodeOutputBytes}).
 * Each connection reports what it holds (bytes Netty has not handed to the kernel yet, plus
 * its backlog) whenever that may have changed: after a flush, when a drain it asked to hear
 * about completes, when it closes. A send that would take the total past the budget is
 * refused with {@code OUTPUT_FULL}, as a send past the connection's own limit is, unless
 * that connection has nothing queued: slow readers get back-pressure, readers that keep up
 * are not refused for them, and the memory everyone's reads need stays free. The total is
 * so bounded by the budget plus one message per connection whose queue was empty.
 *
 * <p>The total may run ahead of the truth (a connection reports its drain when it hears of
 * it), never behind it for long: a connection that still holds bytes after a flush watches
 * for their completion. Thread-safe; connections report from their own event loops.
 */
public final class OutputBudget {

  private final long limit;
  private final AtomicLong total = new AtomicLong();

  public OutputBudget(long limit) {
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }

  /** Bytes queued on the node's connections now, as last reported. */
  public long total() {
    return total.get();
  }

  /** Whether {@code bytes} more fit (a connection with nothing queued is not asked: it always takes one message). */
  public boolean fits(long bytes) {
    return total.get() + bytes <= limit;
  }

  /** One connection's share, kept by that connection (on its event loop). */
  public Share share() {
    return new Share();
  }

  /** What one connection has reported as queued. */
  public final class Share {
    private long reported;

    private Share() {
    }

    /** The connection holds {@code queued} bytes now. */
    public void report(long queued) {
      if (queued != reported) {
        total.addAndGet(queued - reported);
        reported = queued;
      }
    }

    /** Bytes this connection counts in the total. */
    public long reported() {
      return reported;
    }
  }
}
