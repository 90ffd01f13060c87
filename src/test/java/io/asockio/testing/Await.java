package io.asockio.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a timeout: no fixed sleeps in tests. */
public final class Await {

  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private Await() {
  }

  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, DEFAULT);
  }

  public static void until(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      LockSupport.parkNanos(5_000_000); // polling interval of a condition wait, not a fixed delay
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }

  public static <T> T value(String what, Supplier<T> supplier) {
    Object[] box = new Object[1];
    until(what, () -> (box[0] = supplier.get()) != null);
    @SuppressWarnings("unchecked")
    T value = (T) box[0];
    return value;
  }
}
