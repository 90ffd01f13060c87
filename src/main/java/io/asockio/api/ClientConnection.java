package io.asockio.api;

import io.asockio.config.GateConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;

/**
 * One client's connection, as handlers see it: accepted by a gate or dialled by a link, the
 * same after the handshake. Its state lives on one event loop ({@link #context()}); every
 * method marked thread-safe hops there when called from elsewhere, the others are for that
 * event loop only (from a callback).
 *
 * <pre>
 *   HANDSHAKE ──OK sent or received──► OPEN ──close, EOF, error──► CLOSED
 *   (raw connections are OPEN from the start)
 * </pre>
 */
public interface ClientConnection {

  /** The client's stable id (kept across reconnects for declared names). */
  long id();

  /** Its keyword, its link's name, or a generated {@code anonymous-<id>}. */
  String name();

  ClientKind kind();

  /** The gate that accepted it, or the link that dialled it. */
  String gateName();

  /** {@code TCP} or {@code UNIX}. */
  GateConfig.Transport transport();

  /** {@code tcp}, {@code tls} or {@code unix}, as access rules name it. */
  String transportName();

  /** {@code host:port}, or the socket path. */
  String remoteAddress();

  /** The peer's verified client certificate CN, or null. */
  String certificateCn();

  /** Index of the gate verticle instance that owns it (0 for dialled connections). */
  int instance();

  /** The Vert.x context (event loop) that owns it; its callbacks run there. */
  Context context();

  /** Whether it is open (sends are accepted, input is delivered). */
  boolean isOpen();

  /** Whether messages are framed (false on raw gates and after {@link #switchToRaw()}). */
  boolean isFramed();

  /**
   * Queues one message: a frame, or raw bytes on a raw connection. Succeeds once the bytes
   * are queued on the socket; fails with a {@link SendException} when the connection is not
   * open ({@code NOT_CONNECTED}) or its queued output would exceed
   * {@code limits.maxQueuedOutputBytes} ({@code OUTPUT_FULL}; an empty queue always takes one
   * message). Thread-safe.
   *
   * <p>Small messages are copied; large ones, and raw bytes from off-heap memory of no pool
   * ({@link SharedBuffers}), are written from the buffer's own memory: do not change a buffer
   * after sending it.
   */
  Future<Void> send(Buffer message);

  /** Queues several messages in order, as one write; all or none. Thread-safe. */
  Future<Void> send(List<Buffer> messages);

  /**
   * Sends the messages of {@code source} in order, pulling the next one only while the socket
   * is writable, so a generator of any length never sits in memory. Completes when the
   * iterator is exhausted; fails if the connection closes first or the iterator throws.
   * Later sends go out after these. Thread-safe; the iterator is used on the event loop only.
   */
  Future<Void> sendAll(Iterator<Buffer> source);

  /**
   * Sends one message whose body comes from {@code source}: the header with {@code length}
   * (unsigned, up to 2^64-1), then the body, piped with back-pressure. A source that fails,
   * ends short or runs over fails the send ({@code SOURCE_FAILED}) and closes the connection
   * (the peer would be left mid-frame). Framed connections only. Thread-safe.
   */
  Future<Void> sendStream(ReadStream<Buffer> source, long length);

  /** Bytes queued for this client and not yet taken by the kernel. Event loop only. */
  long queuedOutputBytes();

  /** Whether the write queue is above its high-water mark: stop producing until output empties. Event loop only. */
  boolean isOutputFull();

  /**
   * Messages delivered to the handler so far (a streamed message counts when it starts; on a
   * raw connection, chunks). Kept on the event loop: read from another thread it may lag.
   */
  long messagesReceived();

  /** Payload bytes delivered to the handler so far (headers not counted). Like {@link #messagesReceived()}. */
  long bytesReceived();

  /** Messages sent so far (a streamed send counts when it starts; handshake answers not counted). Like {@link #messagesReceived()}. */
  long messagesSent();

  /** Payload bytes sent so far. Like {@link #messagesReceived()}. */
  long bytesSent();

  /** Stops reading (back-pressure): nothing more is delivered until {@link #resumeReading()}. Thread-safe. */
  void pauseReading();

  /** Pauses reading until everything queued so far reached the kernel, then reads again. Thread-safe. */
  void pauseReadingUntilDrained();

  /** Delivers what was held while paused, then reads again. Thread-safe. */
  void resumeReading();

  /** Whether the socket is not being read now. Event loop only. */
  boolean isReadingPaused();

  /**
   * Memory held for input not delivered yet: the buffers a partial message keeps alive (about
   * its bytes received so far, however the peer sliced them) plus what was received while
   * reading was paused. Event loop only.
   */
  long heldInputBytes();

  /**
   * Stops framing in both directions: later bytes are delivered as they come, sends go out as
   * they are (e.g. to tunnel HTTP after a named handshake). Thread-safe.
   */
  void switchToRaw();

  /** Closes once the output already queued reached the kernel; lazy and streamed sends in progress fail. Thread-safe. */
  void close();

  /** Closes at once, dropping output not yet written (the peer sees a reset). Thread-safe. */
  void closeNow();

  /** Refuses new sends, lets everything queued (lazy senders included) go out, then closes. Thread-safe. */
  void closeAfterFlush();

  /** For logs: {@code client#3 "alice" via gate tcp from 127.0.0.1:41234}. */
  String describe();
}
