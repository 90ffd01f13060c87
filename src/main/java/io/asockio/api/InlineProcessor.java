package io.asockio.api;

import io.asockio.config.GateConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;

/**
 * The inheritance style: subclass it, override the callbacks, and attach the class to a gate
 * ({@code "processor": "com.example.MyProcessor"} in the gate's config) or a client. One
 * instance serves one connection; every callback runs on that connection's event loop, in
 * order, with no hop through anything. Never block in a callback.
 *
 * <p>A processor is a {@link ConnectionHandler} bound to one connection: its callbacks have
 * the handler's names without the connection parameter ({@link #onConnected()},
 * {@link #onDataReceived(Buffer)}, {@link #onOutputBuffersAreEmpty()},
 * {@link #onConnectionLost(CloseReason)}, {@link #onMessageStream(MessageStream)}), and the
 * connection's operations are at hand as methods.
 *
 * <p>An exception thrown from a callback closes this connection with a logged reason; the
 * node goes on serving everyone else. Subclasses used from the config need a public
 * no-argument constructor.
 */
public abstract class InlineProcessor implements ConnectionHandler {

  // Whether a processor class overrides onOutputBuffersAreEmpty, computed once per class.
  private static final ClassValue<Boolean> WANTS_OUTPUT_EMPTY = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      for (Class<?> c = type; c != null && c != InlineProcessor.class; c = c.getSuperclass()) {
        try {
          c.getDeclaredMethod("onOutputBuffersAreEmpty");
          return true;
        } catch (NoSuchMethodException notHere) {
          // look in the superclass
        }
      }
      return false;
    }
  };

  private ClientConnection connection;

  // ---- callbacks to override ------------------------------------------------------------

  /** The client was accepted (named) or connected (raw). */
  protected void onConnected() {
  }

  /**
   * A whole message (framed gate) or a chunk of bytes as it came (raw gate). The buffer is
   * yours to keep, unless {@link #readsInPlace()} says otherwise.
   */
  protected abstract void onDataReceived(Buffer data);

  /** Everything queued for this client was handed to the kernel: produce more. */
  protected void onOutputBuffersAreEmpty() {
  }

  /**
   * A long message begins: set the stream's handler and end handler (now or later); use
   * pause/resume/fetch for back-pressure. The next message arrives only after its end.
   */
  protected void onMessageStream(MessageStream stream) {
    throw new UnsupportedOperationException(getClass().getName() + " sets streamThreshold() but not onMessageStream");
  }

  /** The connection ended; {@code reason} says why. No callback follows. */
  protected void onConnectionLost(CloseReason reason) {
  }

  /**
   * Return true to receive the read buffer itself in {@link #onDataReceived} instead of a
   * copy: one copy less per byte received, for processors that answer within the callback
   * (echo, request/response parsers). Such a buffer is valid only until the callback returns:
   * copy what you keep. Sending it, or slices of it, from within the callback is safe. Asked
   * once per connection; default false.
   */
  @Override
  public boolean readsInPlace() {
    return false;
  }

  /**
   * Messages longer than this many bytes (or than {@code limits.maxMessageSize}) arrive in
   * {@link #onMessageStream} as streams of chunks; -1 (the default) never streams, and a
   * message over {@code maxMessageSize} then closes the connection.
   */
  @Override
  public long streamThreshold() {
    return -1;
  }

  // ---- the handler side: binds the connection and calls the callbacks above --------------

  @Override
  public final void onConnected(ClientConnection connection) {
    this.connection = connection;
    onConnected();
  }

  @Override
  public final void onDataReceived(ClientConnection connection, Buffer data) {
    onDataReceived(data);
  }

  @Override
  public final boolean wantsOutputBuffersAreEmpty() {
    return WANTS_OUTPUT_EMPTY.get(getClass());
  }

  @Override
  public final void onOutputBuffersAreEmpty(ClientConnection connection) {
    onOutputBuffersAreEmpty();
  }

  @Override
  public final void onMessageStream(ClientConnection connection, MessageStream stream) {
    onMessageStream(stream);
  }

  @Override
  public final void onConnectionLost(ClientConnection connection, CloseReason reason) {
    onConnectionLost(reason);
  }

  // ---- the connection's operations ------------------------------------------------------

  /**
   * Queues a message to this client. Fails with a {@link SendException} when the connection
   * is closed or its queued output would exceed the configured cap.
   */
  public final Future<Void> send(Buffer message) {
    return connection.send(message);
  }

  /**
   * Sends one message whose body comes from {@code source} (an {@code AsyncFile}, any
   * {@code ReadStream}) with its declared {@code length}, up to 2^64-1 bytes, with
   * back-pressure. If the source ends short, runs over or fails, the send fails and the
   * connection closes.
   */
  public final Future<Void> sendStream(ReadStream<Buffer> source, long length) {
    return connection.sendStream(source, length);
  }

  /**
   * Sends the messages of {@code messages} in order, pulling the next one only when the
   * socket can take it: a generator of a million messages never sits in memory at once.
   */
  public final Future<Void> sendAll(Iterable<Buffer> messages) {
    return connection.sendAll(messages.iterator());
  }

  /** Like {@link #sendAll(Iterable)}, from an iterator. */
  public final Future<Void> sendAll(Iterator<Buffer> messages) {
    return connection.sendAll(messages);
  }

  /** Whether the socket's write queue is full: stop producing until {@link #onOutputBuffersAreEmpty()}. */
  public final boolean isOutputFull() {
    return connection.isOutputFull();
  }

  /**
   * Stops reading from this client until everything queued so far reached the kernel, then
   * reads again by itself: the simple back-pressure for a processor that answers what it reads.
   */
  public final void pauseReadingUntilDrained() {
    connection.pauseReadingUntilDrained();
  }

  /** Stops reading from this client until {@link #resumeReading()} (back-pressure). */
  public final void pauseReading() {
    connection.pauseReading();
  }

  public final void resumeReading() {
    connection.resumeReading();
  }

  /** Closes once the output queued so far reached the kernel; lazy and streamed sends in progress fail. */
  public final void close() {
    connection.close();
  }

  /** Closes at once; output not yet written is dropped. */
  public final void closeNow() {
    connection.closeNow();
  }

  /** Refuses new sends, lets the queued output (lazy senders included) go out, then closes. */
  public final void closeAfterFlush() {
    connection.closeAfterFlush();
  }

  /**
   * Stops framing on this connection: later bytes arrive in {@link #onDataReceived} as they
   * come, and sends go out as they are (e.g. to tunnel HTTP after a named handshake).
   */
  public final void switchToRaw() {
    connection.switchToRaw();
  }

  /** The connection itself, for what the shortcuts above do not cover. */
  public final ClientConnection connection() {
    return connection;
  }

  /** The Vert.x instance this connection runs on (timers, file system, event bus). */
  public final Vertx vertx() {
    return connection.context().owner();
  }

  public final long id() {
    return connection.id();
  }

  public final String name() {
    return connection.name();
  }

  public final ClientKind kind() {
    return connection.kind();
  }

  public final GateConfig.Transport transport() {
    return connection.transport();
  }

  public final String gateName() {
    return connection.gateName();
  }

  public final String remoteAddress() {
    return connection.remoteAddress();
  }
}
