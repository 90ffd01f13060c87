package io.asockio.gate;

import io.asockio.codec.FrameDecoder;
import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.asockio.registry.ClientKind;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One accepted socket and its state machine, confined to the socket's event loop:
 *
 * <pre>
 *  framed: HANDSHAKE --keyword accepted, "OK" sent--> OPEN --close/EOF--> CLOSED
 *              \--refused ("ERR reason"), timeout, oversized keyword--> CLOSED
 *  raw:    OPEN (anonymous client) --close/EOF--> CLOSED
 * </pre>
 *
 * Other threads reach it only through {@link #send} (which hops onto its event loop) and
 * {@link #close}.
 */
public final class Connection {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  /** Where a connection is in its life. */
  public enum State { HANDSHAKE, OPEN, CLOSED }

  private final GateServices services;
  private final GateConfig gate;
  private final int instance;
  private final NetSocketInternal socket;
  private final ContextInternal context;
  private final Limits limits;
  private final String remoteAddress;
  private final FrameDecoder decoder;

  private State state;
  private ClientRecord<Connection> client;
  private ConnectionHandler handler;
  private long handshakeTimer = -1;
  private String closeCause;
  // Bytes handed to the socket whose write has not completed yet (Vert.x's queue + Netty's + not yet in the kernel).
  private long queuedBytes;

  Connection(GateServices services, GateConfig gate, int instance, NetSocketInternal socket, ContextInternal context) {
    this.services = services;
    this.gate = gate;
    this.instance = instance;
    this.socket = socket;
    this.context = context;
    this.limits = services.config().limits();
    this.remoteAddress = String.valueOf(socket.remoteAddress());
    this.decoder = gate.mode() == GateConfig.Mode.FRAMED
        ? new FrameDecoder(limits.maxKeywordLength(), new Decoding()) : null;
  }

  /** Installs the socket's handlers; must run on the socket's context, in its connect callback. */
  void start() {
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(err -> {
      if (closeCause == null) {
        closeCause = "socket error: " + err.getMessage();
      }
    });
    socket.drainHandler(v -> {
      if (state == State.OPEN) {
        guarded(() -> handler.onDrained(this));
      }
    });
    if (decoder == null) {
      client = services.registry().anonymous(this);
      open();
      socket.handler(this::onRawData);
    } else {
      state = State.HANDSHAKE;
      handshakeTimer = context.owner().setTimer(limits.handshakeTimeoutMs(), id -> {
        handshakeTimer = -1;
        if (state == State.HANDSHAKE) {
          refuse("handshake timeout");
        }
      });
      socket.handler(decoder::feed);
    }
  }

  // ---- identity ---------------------------------------------------------------------------

  /** The client's stable id, or -1 before the handshake completed. */
  public long id() {
    ClientRecord<Connection> c = client;
    return c == null ? -1 : c.id();
  }

  /** The client's name (its keyword, or a generated one for anonymous clients), or null before the handshake. */
  public String name() {
    ClientRecord<Connection> c = client;
    return c == null ? null : c.name();
  }

  public ClientKind kind() {
    ClientRecord<Connection> c = client;
    return c == null ? null : c.kind();
  }

  public GateConfig gate() {
    return gate;
  }

  /** Index of the gate verticle instance that accepted this connection. */
  public int instance() {
    return instance;
  }

  public GateConfig.Transport transport() {
    return gate.transport();
  }

  public String remoteAddress() {
    return remoteAddress;
  }

  public State state() {
    return state;
  }

  /** The event-loop context that owns this connection. */
  public ContextInternal context() {
    return context;
  }

  // ---- output -----------------------------------------------------------------------------

  /**
   * Queues one message (a frame, or raw bytes on a raw gate). Thread-safe: off the
   * connection's event loop it hops there first. Succeeds once the bytes are queued on the
   * socket; fails with a {@link SendException} when the connection is not open or its queued
   * output would exceed {@code limits.maxQueuedOutputBytes}.
   */
  public Future<Void> send(Buffer payload) {
    if (context.inThread()) {
      SendException refused = offer(payload);
      return refused == null ? Future.succeededFuture() : Future.failedFuture(refused);
    }
    Promise<Void> promise = context.promise();
    context.execute(() -> {
      SendException refused = offer(payload);
      if (refused == null) {
        promise.complete();
      } else {
        promise.fail(refused);
      }
    });
    return promise.future();
  }

  /** Queues several messages in order, as one write; all or none are queued. */
  public Future<Void> send(List<Buffer> payloads) {
    if (context.inThread()) {
      SendException refused = offerAll(payloads);
      return refused == null ? Future.succeededFuture() : Future.failedFuture(refused);
    }
    Promise<Void> promise = context.promise();
    context.execute(() -> {
      SendException refused = offerAll(payloads);
      if (refused == null) {
        promise.complete();
      } else {
        promise.fail(refused);
      }
    });
    return promise.future();
  }

  /** On the event loop: queues the message, or says why not. */
  SendException offer(Buffer payload) {
    if (state != State.OPEN) {
      return notConnected();
    }
    Buffer bytes = decoder == null ? payload : FrameEncoder.frame(payload);
    SendException full = checkRoom(bytes.length());
    if (full != null) {
      return full;
    }
    write(bytes);
    return null;
  }

  private void write(Buffer bytes) {
    int length = bytes.length();
    queuedBytes += length;
    socket.write(bytes).onComplete(done -> queuedBytes -= length);
  }

  private SendException offerAll(List<Buffer> payloads) {
    if (state != State.OPEN) {
      return notConnected();
    }
    Buffer bytes;
    if (decoder == null) {
      bytes = Buffer.buffer();
      payloads.forEach(bytes::appendBuffer);
    } else {
      bytes = FrameEncoder.frames(payloads);
    }
    SendException full = checkRoom(bytes.length());
    if (full != null) {
      return full;
    }
    write(bytes);
    return null;
  }

  private SendException notConnected() {
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + name() + " is not connected");
  }

  private SendException checkRoom(long bytes) {
    long queued = queuedOutputBytes();
    // An empty queue takes any one message, so a message up to maxMessageSize can always go.
    if (queued > 0 && queued + bytes > limits.maxQueuedOutputBytes()) {
      services.count("send.output full");
      return new SendException(SendException.Reason.OUTPUT_FULL, "client " + name() + " has " + queued
          + " bytes of output queued; " + bytes + " more would exceed limits.maxQueuedOutputBytes ("
          + limits.maxQueuedOutputBytes() + ")");
    }
    return null;
  }

  /** Bytes queued for this client and not yet taken by the kernel. Event loop only. */
  public long queuedOutputBytes() {
    return queuedBytes;
  }

  /** Whether the socket's write queue is above its high-water mark (time to stop producing). */
  public boolean isOutputFull() {
    return socket.writeQueueFull();
  }

  // ---- input flow -------------------------------------------------------------------------

  /** Stops reading from the socket (back-pressure towards the peer). Event loop only. */
  public void pauseReading() {
    socket.pause();
  }

  /** Reads again after {@link #pauseReading()}. Event loop only. */
  public void resumeReading() {
    socket.resume();
  }

  // ---- closing ----------------------------------------------------------------------------

  /** Closes the connection; queued output is still flushed. Thread-safe. */
  public void close(String reason) {
    if (context.inThread()) {
      closeHere(reason);
    } else {
      context.execute(() -> closeHere(reason));
    }
  }

  private void closeHere(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (closeCause == null) {
      closeCause = reason;
    }
    if (decoder != null) {
      decoder.stop();
    }
    socket.close();
  }

  // ---- handshake and delivery -------------------------------------------------------------

  private final class Decoding implements FrameDecoder.Listener {

    @Override
    public void onMessage(Buffer payload) {
      if (state == State.OPEN) {
        guarded(() -> handler.onMessage(Connection.this, payload));
      } else if (state == State.HANDSHAKE) {
        onKeyword(payload);
      }
    }

    @Override
    public boolean onOversizedFrame(long length) {
      if (state == State.HANDSHAKE) {
        refuse("keyword too long");
      } else if (state == State.OPEN) {
        LOG.warning(() -> "closing " + describe() + ": a message of " + Frames.unsigned(length)
            + " bytes exceeds limits.maxMessageSize (" + limits.maxMessageSize() + ")");
        services.count("closed.message too long");
        closeHere("message too long");
      }
      return false;
    }
  }

  private void onKeyword(Buffer keyword) {
    if (keyword.length() == 0) {
      refuse("empty keyword");
      return;
    }
    String name = Keywords.decode(keyword);
    if (name == null) {
      refuse("keyword is not valid UTF-8");
      return;
    }
    Policies policies = services.config().policies();
    ClientRegistry.Admission<Connection> admission = services.registry().admit(name, this,
        policies.unexpected() == Policies.Unexpected.ACCEPT, policies.takeover() == Policies.Takeover.REPLACE);
    if (!admission.accepted()) {
      refuse(admission.refusal());
      return;
    }
    cancelHandshakeTimer();
    client = admission.record();
    decoder.limit(limits.maxMessageSize());
    socket.write(FrameEncoder.frame(Frames.OK));
    if (admission.replaced() != null) {
      services.count("takeover");
      LOG.info(() -> "client " + name + " taken over by " + describe());
      admission.replaced().close("taken over by a new connection");
    }
    open();
  }

  private void open() {
    state = State.OPEN;
    services.count("opened");
    handler = services.handlerFor(client, gate);
    guarded(() -> handler.onOpen(this));
  }

  private void onRawData(Buffer chunk) {
    if (state == State.OPEN) {
      guarded(() -> handler.onMessage(this, chunk));
    }
  }

  private void refuse(String reason) {
    if (state != State.HANDSHAKE) {
      return;
    }
    cancelHandshakeTimer();
    services.count("refused." + reason);
    LOG.info(() -> "refused " + describe() + ": " + reason);
    closeCause = "refused: " + reason;
    decoder.stop();
    socket.end(FrameEncoder.refusal(reason));
  }

  private void onClosed() {
    State was = state;
    state = State.CLOSED;
    cancelHandshakeTimer();
    if (decoder != null) {
      decoder.stop();
    }
    String cause = closeCause == null ? "closed by peer" : closeCause;
    if (client != null) {
      services.registry().release(client, this);
    }
    if (was == State.OPEN && handler != null) {
      services.count("closed");
      try {
        handler.onClosed(this, cause);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "handler of " + describe() + " failed in onClosed", e);
      }
    }
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != -1) {
      context.owner().cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
  }

  // A failing handler costs its own connection, never the server.
  private void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "handler of " + describe() + " failed; closing the connection", e);
      services.count("closed.handler failed");
      closeHere("handler failed: " + e);
    }
  }

  /** For logs: {@code client#3 "alice" via gate tcp from 127.0.0.1:41234}. */
  public String describe() {
    ClientRecord<Connection> c = client;
    String who = c == null ? "peer" : "client#" + c.id() + " \"" + Keywords.printable(c.name()) + "\"";
    return who + " via gate " + gate.name() + " from " + remoteAddress;
  }

  @Override
  public String toString() {
    return describe();
  }
}
