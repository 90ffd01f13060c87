package io.asockio.api;

import io.asockio.impl.vertx.CallerLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The five event sets of {@link IoCore} between two polls, and how the poller waits for them:
 * on a condition that event loops signal, or, when the poller drives its own event loop, in
 * that loop.
 */
final class IoEvents {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PendingIds connectedExpected = new PendingIds();
  private final PendingIds connectedUnknown = new PendingIds();
  private final PendingIds disconnected = new PendingIds();
  private final PendingIds readable = new PendingIds();
  private final PendingIds drained = new PendingIds();
  /** Per event-loop thread: a wake-up of the poller is already scheduled for this turn. */
  private final ThreadLocal<boolean[]> wakePending = ThreadLocal.withInitial(() -> new boolean[1]);
  /** The poller's own event loop, or null. */
  private final CallerLoop callerLoop;

  IoEvents(CallerLoop callerLoop) {
    this.callerLoop = callerLoop;
  }

  /** What happened since the previous call, waiting up to {@code nanos} for something to happen. */
  IoIterationResult take(long nanos) throws InterruptedException {
    if (callerLoop != null) {
      runOwnLoop(nanos);
      nanos = 0;
    }
    lock.lock();
    try {
      while (nothingHappened() && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return new IoIterationResult(connectedExpected.takeAll(), connectedUnknown.takeAll(), disconnected.takeAll(),
          readable.takeAll(), drained.takeAll());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs this thread's own loop: what is ready now, and while nothing happened, waits for I/O
   * until something does or time is up (one {@code epoll_wait} per turn when idle, none extra).
   */
  private void runOwnLoop(long nanos) {
    if (!callerLoop.isOwner()) {
      throw new IllegalStateException("this IoCore's connections live on the thread that started it: call ioIteration there");
    }
    if (nanos <= 0 || !quiet()) {
      callerLoop.runNow();
      return;
    }
    long deadline = System.nanoTime() + nanos;
    long left = nanos;
    do {
      callerLoop.run(left);
    } while (quiet() && (left = deadline - System.nanoTime()) > 0);
  }

  private boolean quiet() {
    lock.lock();
    try {
      return nothingHappened();
    } finally {
      lock.unlock();
    }
  }

  private boolean nothingHappened() {
    return connectedExpected.isEmpty() && connectedUnknown.isEmpty() && disconnected.isEmpty() && readable.isEmpty()
        && drained.isEmpty();
  }

  enum Kind { CONNECTED_EXPECTED, CONNECTED_UNKNOWN, DISCONNECTED, READABLE, DRAINED }

  /** Files an event; wakes the poller (once per event-loop turn, or its own loop from elsewhere). */
  void add(Kind kind, long id) {
    lock.lock(); // the sets are shared with take, which empties them
    try {
      switch (kind) {
        case CONNECTED_EXPECTED -> connectedExpected.add(id);
        case CONNECTED_UNKNOWN -> connectedUnknown.add(id);
        case DISCONNECTED -> disconnected.add(id);
        case READABLE -> readable.add(id);
        case DRAINED -> drained.add(id);
        default -> throw new IllegalArgumentException(kind.name());
      }
    } finally {
      lock.unlock();
    }
    if (callerLoop == null) {
      wakePollerAfterThisTurn();
    } else if (!callerLoop.isOwner()) {
      callerLoop.wakeup(); // from a link's or another gate's event loop
    }
  }

  /**
   * Wakes the polling thread once per event-loop turn, after the loop handled every socket
   * that was ready, instead of once per event: woken per message, a poller sharing the
   * loop's core preempts it for every request.
   */
  private void wakePollerAfterThisTurn() {
    Context context = Vertx.currentContext();
    if (context == null || !Context.isOnEventLoopThread()) {
      wakePoller();
      return;
    }
    boolean[] pending = wakePending.get();
    if (!pending[0]) {
      pending[0] = true;
      try {
        // Queued on the event loop behind the sockets it is handling now.
        context.runOnContext(v -> {
          pending[0] = false;
          wakePoller();
        });
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        pending[0] = false;
        wakePoller();
      }
    }
  }

  private void wakePoller() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
