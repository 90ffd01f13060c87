package io.asockio.impl.channel;

import io.netty.util.concurrent.EventExecutor;

/**
 * Tells a connection's owner that its output emptied. Never from inside the write or flush that
 * emptied it: a handler that sends from {@code onOutputEmpty} would recurse without end, so the
 * report is a task of its own on the event loop, at most one scheduled at a time. Its two tasks
 * are made once per connection, not per send. Event loop only.
 */
final class OutputEmptyReport {

  private final OutboundOwner owner;
  private final OutboundQueue queue;
  private final Runnable report = this::report;
  private final Runnable task;
  private boolean scheduled;

  /** {@code queue}: asked again when the task runs (a send in between makes the report wait for the next). */
  OutputEmptyReport(OutboundOwner owner, OutboundQueue queue) {
    this.owner = owner;
    this.queue = queue;
    this.task = () -> owner.inContext(report);
  }

  void schedule(EventExecutor executor) {
    if (!scheduled) {
      scheduled = true;
      executor.execute(task);
    }
  }

  private void report() {
    scheduled = false;
    if (queue.isIdle() && owner.isOpen()) {
      owner.onOutputEmpty();
    }
  }
}
