package io.asockio.impl.vertx;

import io.netty.channel.ManualIoEventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.concurrent.TimeUnit;

/**
 * An event loop that an ordinary thread drives itself (Netty's {@link ManualIoEventLoop} on
 * Vert.x's transport), with a Vert.x event-loop context on it. Channels registered here read,
 * write and run their handlers on that thread, inside {@link #run}: a poller that drives its
 * own I/O hands nothing to another thread per message.
 *
 * <p>The thread that creates it owns it for good (Netty fixes a manual loop's thread once).
 * Other threads may queue tasks (a write, a context task); they run at the owner's next
 * {@link #run}.
 */
public final class CallerLoop {

  private final ManualIoEventLoop loop;
  private final ContextInternal context;
  /** The owner is inside {@link #run} (and so inside {@link #context}); read meaningfully only by the owner. */
  private boolean running;

  private CallerLoop(ManualIoEventLoop loop, ContextInternal context) {
    this.loop = loop;
    this.context = context;
  }

  /** A loop owned by the calling thread, on {@code vertx}'s transport (native epoll when enabled, else NIO). */
  public static CallerLoop ofCurrentThread(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    ManualIoEventLoop loop = new ManualIoEventLoop(Thread.currentThread(), internal.transport().ioHandlerFactory());
    ContextInternal context = internal.contextBuilder()
        .withThreadingModel(ThreadingModel.EVENT_LOOP)
        .withEventLoop(loop)
        .build();
    return new CallerLoop(loop, context);
  }

  /** The Vert.x context whose tasks and channels run on the owner's thread. */
  public Context context() {
    return context;
  }

  /** Whether the calling thread is the owner. */
  public boolean isOwner() {
    return loop.inEventLoop();
  }

  /**
   * Whether the caller runs inside this loop's {@link #run} with {@code context} entered: a
   * callback for a channel of {@code context} may then run as it is, without entering the
   * context again. Any thread may ask; only the owner can get true (other threads' channels
   * are on other contexts).
   */
  public boolean runningIn(Context context) {
    return context == this.context && running && loop.inEventLoop();
  }

  /** Runs the I/O and tasks that are ready, waiting up to {@code nanos} (at least 1) for some; owner only. */
  public void run(long nanos) {
    runEntered(Math.max(1, nanos));
  }

  /** Runs the I/O and tasks that are ready without waiting; owner only. */
  public void runNow() {
    runEntered(0);
  }

  // One context entry per turn instead of one per callback: on a thread that is not Vert.x's,
  // each entry costs two thread-local look-ups and two class-loader swaps.
  private void runEntered(long nanos) {
    ContextInternal previous = context.beginDispatch();
    boolean wasRunning = running;
    running = true;
    try {
      if (nanos == 0) {
        loop.runNow();
      } else {
        loop.run(nanos);
      }
    } finally {
      running = wasRunning;
      context.endDispatch(previous);
    }
  }

  /** Makes the owner's current or next {@link #run} return; any thread. */
  public void wakeup() {
    loop.wakeup();
  }

  /** Drives the loop until {@code future} completes and returns it; owner only. */
  public <T> Future<T> runUntil(Future<T> future) {
    future.onComplete(done -> loop.wakeup()); // completed on another thread: the owner may be waiting for I/O
    while (!future.isComplete()) {
      run(TimeUnit.SECONDS.toNanos(1));
    }
    return future;
  }

  /** Shuts the loop down, running what is still queued; owner only. Channels left on it are closed. */
  public void shutdown() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    while (!loop.isTerminated()) {
      runNow();
    }
  }
}
