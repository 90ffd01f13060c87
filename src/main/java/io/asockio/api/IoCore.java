package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.impl.node.Node;
import io.asockio.impl.vertx.CallerLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plain-code style: a loop on an ordinary thread (a worker or a virtual thread) polls
 * {@link #ioIteration} for what happened, reads what clients sent, and sends.
 *
 * <pre>{@code
 * IoCore core = IoCore.start(vertx, config).await();
 * core.addClient("manager");
 * while (running) {
 *   IoIterationResult r = core.ioIteration(Duration.ofMillis(500));
 *   for (long id : r.clientsHaveDataToRead()) {
 *     for (Buffer message : core.readMessages(id)) {
 *       core.sendMessageToClient(id, message);          // echo
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Events are accumulated between two calls, including those caused by API calls in
 * between (a removed client shows up as disconnected, a send as drained once its bytes are
 * out). Messages a client sent stay readable after it disconnected, until it is removed.
 * Reading from a client pauses while more than {@code limits.maxUnreadBytes} of its
 * messages wait unread.
 *
 * <p>It handles the connections of gates without a processor; gates and clients with an
 * {@link InlineProcessor} are served by it instead.
 */
public final class IoCore implements AutoCloseable {

  private volatile Asockio node;
  /** The poller's own event loop for the plain gates' connections, or null (they live on Vert.x's event loops). */
  private final CallerLoop callerLoop;
  private final IoEvents events;
  private final Inboxes inboxes;

  private IoCore(AsockioConfig config, CallerLoop callerLoop) {
    this.callerLoop = callerLoop;
    this.events = new IoEvents(callerLoop);
    this.inboxes = new Inboxes(events, config.limits().maxUnreadBytes());
  }

  /**
   * Starts a node whose connections without a processor are served through this API. Their
   * I/O runs on Vert.x's event loops; any one thread at a time may poll.
   */
  public static Future<IoCore> start(Vertx vertx, AsockioConfig config) {
    IoCore core = new IoCore(config, null); // exists before the first connection can open
    return Asockio.start(vertx, config, core.inboxes).map(node -> {
      core.node = node;
      return core;
    });
  }

  /**
   * Starts a node whose plain gates' connections (TCP, Unix, TLS gates without a processor or
   * a delivery) live on the calling thread, as in the original's single-threaded loop: their
   * reads, writes and events happen inside this thread's {@link #ioIteration}, with no hand-off
   * to another thread per message. Between two calls they wait. Blocks until the node serves.
   *
   * <p>Only this thread may call {@link #ioIteration} and {@link #close}; a send from another
   * thread goes out at this thread's next iteration. UDP gates, links and gates with a processor
   * or a delivery keep their Vert.x event loops. Never block this thread on a future
   * ({@code await()}, {@code node().stop().await()}): what completes it may need this very
   * thread's loop; poll, or {@link #close} to stop.
   *
   * @throws IllegalStateException on an event-loop thread
   */
  public static IoCore startOnThisThread(Vertx vertx, AsockioConfig config) throws Exception {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("startOnThisThread makes the calling thread poll: call it from a worker, a virtual"
          + " or a main thread, never from an event loop");
    }
    CallerLoop loop = CallerLoop.ofCurrentThread(vertx);
    IoCore core = new IoCore(config, loop);
    Future<Asockio> started = loop.runUntil(Asockio.startWith(vertx, config, node -> {
      node.handler(core.inboxes);
      ((Node) node).plainGatesOn(loop);
    }));
    if (started.failed()) {
      loop.shutdown();
      throw started.cause() instanceof Exception e ? e : new IllegalStateException(started.cause());
    }
    core.node = started.result();
    return core;
  }

  /** The node underneath, for what this API does not cover (links, counters, processors). */
  public Asockio node() {
    return node;
  }

  // ---- events -----------------------------------------------------------------------------

  /**
   * Returns what happened since the previous call, waiting at most {@code timeout} for
   * something to happen (and returning as soon as something did).
   *
   * @throws IllegalStateException on an event-loop thread, which must never block
   */
  public IoIterationResult ioIteration(Duration timeout) throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("ioIteration blocks: call it from a worker or virtual thread, never from an event loop");
    }
    return events.take(timeout.toNanos());
  }

  // ---- reading ----------------------------------------------------------------------------

  /**
   * Takes the whole messages (or raw chunks) the client sent that were not read yet, in
   * order, up to the first streamed message (take that one with {@link #nextMessageStream}).
   * The list is read-only.
   */
  public List<Buffer> readMessages(long clientId) {
    return inboxes.takeMessages(clientId);
  }

  /**
   * The streamed message at the head of the client's unread messages, or null. Messages
   * longer than {@link #streamMessagesAbove} arrive this way; read it to its end (or close the
   * client) before the client's next message can arrive.
   */
  public StreamInput nextMessageStream(long clientId) {
    return inboxes.takeStream(clientId);
  }

  /**
   * Messages longer than {@code bytes} (and any over {@code limits.maxMessageSize}) arrive
   * as {@link StreamInput}s instead of whole; -1 (the default) turns streaming off. Applies to
   * connections opened afterwards.
   */
  public IoCore streamMessagesAbove(long bytes) {
    inboxes.streamThreshold(bytes);
    return this;
  }

  /**
   * Whether {@link IoIterationResult#clientsWithEmptyOutputFifo} is filled (the default). Finding
   * out that a client's output emptied costs a task per send and, with few clients, often an
   * iteration of its own per send; a loop that never reads that set turns it off (as an
   * {@link InlineProcessor} that does not override {@code onOutputBuffersAreEmpty} is never told).
   * Applies to connections opened afterwards: set it right after the start (started
   * {@link #startOnThisThread on this thread}, connections are served only inside the calls that poll).
   */
  public IoCore reportEmptyOutput(boolean report) {
    inboxes.reportEmptyOutput(report);
    return this;
  }

  /** Sends one message whose body comes from {@code source}, with its declared length; see {@link Asockio#sendStream}. */
  public Future<Void> sendMessageStream(long clientId, io.vertx.core.streams.ReadStream<Buffer> source, long length) {
    return node.sendStream(clientId, source, length);
  }

  /** Unread messages of a client. */
  public int unreadCount(long clientId) {
    return inboxes.unreadCount(clientId);
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Queues one message; see {@link Asockio#send(long, Buffer)} for the outcome. */
  public Future<Void> sendMessageToClient(long clientId, Buffer message) {
    return node.send(clientId, message);
  }

  /** Queues one message to a named client. */
  public Future<Void> sendMessageToClient(String name, Buffer message) {
    return node.send(name, message);
  }

  /**
   * Sends the messages in order, consuming the iterable lazily as the socket drains: one
   * million messages from a generator never sit in memory at once. The future completes
   * when the last one was queued.
   */
  public Future<Void> sendMessagesToClient(long clientId, Iterable<Buffer> messages) {
    return node.sendAll(clientId, messages.iterator());
  }

  /** Like {@link #sendMessagesToClient(long, Iterable)}, from an iterator. */
  public Future<Void> sendMessagesToClient(long clientId, Iterator<Buffer> messages) {
    return node.sendAll(clientId, messages);
  }

  // ---- clients ----------------------------------------------------------------------------

  /** Registers an expected named client (before or after it connects); returns its id. */
  public long addClient(String name) {
    return node.addClient(name).id();
  }

  /** Forgets a client: closes its connection and drops its unread messages. */
  public boolean removeClient(long clientId) {
    boolean known = node.removeClient(clientId);
    return inboxes.remove(clientId) || known;
  }

  /** The client's current state, or null. */
  public ClientInfo client(long clientId) {
    return node.client(clientId);
  }

  /** The id of a named client, or -1. */
  public long clientId(String name) {
    ClientInfo info = node.client(name);
    return info == null ? -1 : info.id();
  }

  /** Closes the client's connection at once, dropping output not yet written. */
  public void closeNow(long clientId) {
    ClientConnection c = node.connection(clientId);
    if (c != null) {
      c.closeNow();
    }
  }

  /** Refuses new sends to the client, lets its queued output go out, then closes. */
  public void closeAfterFlush(long clientId) {
    ClientConnection c = node.connection(clientId);
    if (c != null) {
      c.closeAfterFlush();
    }
  }

  /** Stops framing on the client's connection (both directions); later data arrives raw. */
  public void switchToRaw(long clientId) {
    ClientConnection c = node.connection(clientId);
    if (c != null) {
      c.switchToRaw();
    }
  }

  /**
   * Stops the node. Started {@link #startOnThisThread on this thread}: call it on that
   * thread, which runs the stop to its end (the connections live there).
   */
  @Override
  public void close() {
    if (callerLoop == null) {
      node.stop();
      return;
    }
    if (!callerLoop.isOwner()) {
      throw new IllegalStateException("this IoCore's connections live on the thread that started it: close it there");
    }
    try {
      callerLoop.runUntil(node.stop());
    } finally {
      callerLoop.shutdown();
    }
  }

  /** Waits up to {@code timeout} for a future on a plain thread; a helper for simple loops. */
  public static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
