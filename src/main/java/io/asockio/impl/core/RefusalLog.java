package io.asockio.impl.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Logs refusals at most once per reason and {@link #INTERVAL_NANOS}, with the count of those
 * not shown: a flood must not turn into a flood of log lines.
 */
public final class RefusalLog {

  private static final Logger LOG = Logger.getLogger(RefusalLog.class.getName());
  /** At most one line per reason per second. */
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private final Map<String, long[]> lastByReason = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  public RefusalLog() {
    this(System::nanoTime);
  }

  RefusalLog(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Logs {@code line} unless a line for {@code reason} went out within the interval; returns whether it did. */
  public boolean log(String reason, Supplier<String> line) {
    long now = nanoClock.getAsLong();
    long[] state = lastByReason.computeIfAbsent(reason, r -> new long[] {now - 2 * INTERVAL_NANOS, 0});
    String text = null;
    synchronized (state) {
      if (now - state[0] >= INTERVAL_NANOS) {
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        text = line.get() + (suppressed > 0 ? " (and " + suppressed + " more refused for this reason)" : "");
      } else {
        state[1]++;
      }
    }
    if (text != null) {
      LOG.info(text);
      return true;
    }
    return false;
  }
}
