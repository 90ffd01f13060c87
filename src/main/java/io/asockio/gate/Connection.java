package io.asockio.gate;

import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.impl.vertx.VertxBuffers;
import io.asockio.impl.vertx.VertxChannels;
import io.asockio.registry.ClientKind;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.asockio.security.AccessRules;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: its identity, its state and the sends and closes that reach it from
 * any thread. The work is done by the stages of its channel's pipeline, which it installs in
 * front of Vert.x's own handler:
 *
 * <pre>
 *  head ─ [ssl] ─ [idle] ─ OutboundQueue ─ FrameDecoderStage ─ Server|ClientHandshake ─ ConnectionStage ─ Vert.x
 *                          every write,      u64 frames,         keyword, OK/ERR;        InboundFlow ─► handler
 *                          one flush per     streaming           removes itself
 *                          read loop                             after OK
 *  raw: no decoder and no handshake.   State: HANDSHAKE ─OK─► OPEN ─close/EOF─► CLOSED
 * </pre>
 *
 * Accepted and dialled connections are the same object after the handshake. Other threads
 * reach a connection only through its thread-safe methods ({@link #send}, {@link #sendAll},
 * {@link #close}, {@link #closeNow}, {@link #closeAfterFlush}, {@link #switchToRaw},
 * {@link #pauseReading}), which hop onto its event loop.
 *
 * <p>Output: bytes handed to the socket are counted until the kernel takes them (Netty's
 * outbound buffer plus asockio's backlog). A send that would take the count beyond
 * {@code limits.maxQueuedOutputBytes} fails with {@code OUTPUT_FULL}.
 */
public final class Connection implements OutboundQueue.Owner, InboundFlow.Sink {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  static final String IDLE_STAGE = "asockio-idle";

  /** Where a connection is in its life. */
  public enum State { HANDSHAKE, OPEN, CLOSED }

  /** What a dialled connection reports: its handshake's outcome, then its end. */
  public interface DialOutcome {
    /** The server answered {@code OK} (or the link is raw): the connection is open. */
    void opened(Connection connection);

    /** The server refused ({@code ERR reason}), answered something else, or closed first. */
    void refused(Connection connection, String reason);

    /** The open connection ended. */
    void lost(Connection connection, String cause);
  }

  private static final DialOutcome ACCEPTED = new DialOutcome() {
    @Override
    public void opened(Connection connection) {
    }

    @Override
    public void refused(Connection connection, String reason) {
    }

    @Override
    public void lost(Connection connection, String cause) {
    }
  };

  private final GateServices services;
  private final GateConfig gate;
  private final int instance;
  private final Channel channel;
  private final Context context;
  private final Limits limits;
  private final PeerFacts peer;
  private final GuardLease lease;
  private final DialOutcome dial;
  private final String via;
  private final OutboundQueue out;
  private final InboundFlow in;
  private final Lending lending = new Lending();

  private State state = State.HANDSHAKE;
  private ClientRecord<Connection> client;
  private ConnectionHandler handler;
  private String closeCause;
  private boolean closing;
  private boolean closeAfterFlush;
  private boolean resumeOnEmpty;
  private boolean wantsDrained;
  private boolean readsInPlace;

  private Connection(GateServices services, GateConfig gate, int instance, Channel channel, Context context,
                     PeerFacts peer, GuardLease lease, DialOutcome dial, String via) {
    this.services = services;
    this.gate = gate;
    this.instance = instance;
    this.channel = channel;
    this.context = context;
    this.limits = services.config().limits();
    this.peer = peer;
    this.lease = lease;
    this.dial = dial;
    this.via = via;
    this.out = new OutboundQueue(this, gate.mode() == GateConfig.Mode.FRAMED);
    this.in = new InboundFlow(this, this);
  }

  /**
   * An accepted socket: checks the gate's bounds, then installs the pipeline (handshake for
   * framed gates; access rules and the open connection at once for raw ones). Runs on the
   * socket's context, in its connect callback, so that no byte arrives before the stages.
   */
  static void accept(GateServices services, GateConfig gate, int instance, NetSocket socket, Context context) {
    ChannelHandlerContext vertx = VertxChannels.handlerContext(socket);
    accept(services, gate, instance, vertx.pipeline(), vertx.name(), context, PeerFacts.of(socket));
  }

  /** Installs an accepted connection's stages in {@code pipeline}, in front of the handler named {@code before}. */
  static Connection accept(GateServices services, GateConfig gate, int instance, ChannelPipeline pipeline, String before,
                           Context context, PeerFacts peer) {
    boolean framed = gate.mode() == GateConfig.Mode.FRAMED;
    GateGuard guard = services.guard(gate);
    Refusal overLimit = guard.tryAccept(peer.addressKey(), framed);
    GuardLease lease = overLimit == null ? new GuardLease(guard, peer.addressKey(), framed) : GuardLease.NONE;
    Connection c = new Connection(services, gate, instance, pipeline.channel(), context, peer, lease, ACCEPTED, "gate");
    long idleMs = gate.limits().idleTimeoutMs();
    if (idleMs > 0 && overLimit == null) {
      pipeline.addBefore(before, IDLE_STAGE, new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
    }
    pipeline.addBefore(before, OutboundQueue.NAME, c.out);
    if (overLimit != null) {
      // Refused before any other work: a flood costs one check and one close per connection.
      c.state = State.CLOSED;
      services.count(overLimit.counter());
      services.logRefusal(overLimit.text(), () -> "refused " + c.describe() + ": " + overLimit.text());
      if (framed) {
        c.out.sendFrame(FrameEncoder.refusal(c.out.alloc(), overLimit.text()));
      }
      c.out.closeAfterWrites();
      return c;
    }
    if (framed) {
      pipeline.addBefore(before, FrameDecoderStage.NAME, new FrameDecoderStage(c.limits.maxKeywordLength(), c.out.alloc()));
      pipeline.addBefore(before, ServerHandshake.NAME, new ServerHandshake(c, services, peer, lease));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!framed) {
      AccessRules.Decision decision = services.access().decide(peer.peer(null, gate.transportName(), gate.name()));
      if (!decision.allowed()) {
        services.denied(null, decision, c);
        c.closeCause = "refused: " + decision.reason();
        c.out.closeNow();
        return c;
      }
      c.open(services.registry().anonymous(c));
    }
    return c;
  }

  /**
   * A dialled socket (client role): sends {@code keyword} (framed links) and waits for the
   * answer; binds the connection to {@code name} in the registry once open. Must run on the
   * socket's context, in its connect callback.
   */
  public static Connection dialled(GateServices services, GateConfig link, NetSocket socket, Context context,
                                   String name, byte[] keyword, DialOutcome outcome) {
    ChannelHandlerContext vertx = VertxChannels.handlerContext(socket);
    return dialled(services, link, vertx.pipeline(), vertx.name(), context, PeerFacts.of(String.valueOf(socket.remoteAddress())),
        name, keyword, outcome);
  }

  /** Installs a dialled connection's stages in {@code pipeline}, in front of the handler named {@code before}. */
  static Connection dialled(GateServices services, GateConfig link, ChannelPipeline pipeline, String before, Context context,
                            PeerFacts peer, String name, byte[] keyword, DialOutcome outcome) {
    Connection c = new Connection(services, link, 0, pipeline.channel(), context, peer, GuardLease.NONE, outcome, "link");
    pipeline.addBefore(before, OutboundQueue.NAME, c.out);
    boolean framed = link.mode() == GateConfig.Mode.FRAMED;
    if (framed) {
      pipeline.addBefore(before, FrameDecoderStage.NAME, new FrameDecoderStage(c.limits.maxKeywordLength(), c.out.alloc()));
      pipeline.addBefore(before, ClientHandshake.NAME, new ClientHandshake(c, name, keyword, c.limits.handshakeTimeoutMs()));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!framed) {
      c.bindDialled(name);
    }
    return c;
  }

  // ---- identity ---------------------------------------------------------------------------

  /** The client's stable id, or -1 before the handshake completed. */
  public long id() {
    ClientRecord<Connection> c = client;
    return c == null ? -1 : c.id();
  }

  /** The client's name (its keyword, a link name, or a generated one), or null before the handshake. */
  public String name() {
    ClientRecord<Connection> c = client;
    return c == null ? null : c.name();
  }

  public ClientKind kind() {
    ClientRecord<Connection> c = client;
    return c == null ? null : c.kind();
  }

  /** The gate that accepted it, or for a dialled connection the link's endpoint. */
  public GateConfig gate() {
    return gate;
  }

  /** Index of the gate verticle instance that accepted this connection (0 for dialled ones). */
  public int instance() {
    return instance;
  }

  public GateConfig.Transport transport() {
    return gate.transport();
  }

  public String remoteAddress() {
    return peer.remoteAddress();
  }

  /** The peer's verified client certificate CN, or null. */
  public String certificateCn() {
    return peer.certificateCn();
  }

  public State state() {
    return state;
  }

  /** Whether messages are framed (false on raw gates and after {@link #switchToRaw()}). */
  public boolean isFramed() {
    return out.framed();
  }

  /** The Vert.x context (event loop) that owns this connection. */
  public Context context() {
    return context;
  }

  // ---- output -----------------------------------------------------------------------------

  /**
   * Queues one message (a frame, or raw bytes on a raw connection). Thread-safe. Succeeds
   * once the bytes are queued on the socket; fails with a {@link SendException} when the
   * connection is not open or its queued output would exceed {@code limits.maxQueuedOutputBytes}
   * (an empty queue always takes one message).
   */
  public Future<Void> send(Buffer payload) {
    return onLoop(() -> offer(payload));
  }

  /** Queues several messages in order, as one write; all or none are queued. Thread-safe. */
  public Future<Void> send(List<Buffer> payloads) {
    return onLoop(() -> offerAll(payloads));
  }

  /**
   * Sends the messages of {@code source} in order, pulling the next one only while the
   * socket is writable. The future completes when the iterator is exhausted and every
   * message was queued; it fails when the connection closes first or the iterator throws.
   * Messages sent later by other means go out after these. Thread-safe; the iterator is
   * only touched on the connection's event loop.
   */
  public Future<Void> sendAll(Iterator<Buffer> source) {
    Promise<Void> promise = Promise.promise();
    run(() -> {
      if (!acceptsSends()) {
        promise.fail(notConnected());
        return;
      }
      out.add(new IteratorSend(source, promise));
    });
    return promise.future();
  }

  /**
   * Sends one message whose body comes from {@code source}: the 8-byte header with
   * {@code length} (unsigned, up to 2^64-1), then the body, piped with back-pressure. Other
   * messages queue behind it. A source that ends short of {@code length}, runs over it or
   * fails fails the send and closes the connection (the peer would be left mid-frame).
   * Framed connections only. Thread-safe.
   */
  public Future<Void> sendStream(ReadStream<Buffer> source, long length) {
    Promise<Void> promise = Promise.promise();
    source.pause();
    run(() -> {
      if (!acceptsSends()) {
        promise.fail(notConnected());
      } else if (!out.framed()) {
        promise.fail(new IllegalStateException("sendStream needs a framed connection; on a raw one pipe the bytes with send"));
      } else {
        out.add(new StreamSend(source, length, promise));
      }
    });
    return promise.future();
  }

  private Future<Void> onLoop(java.util.function.Supplier<SendException> offer) {
    if (channel.eventLoop().inEventLoop()) {
      SendException refused = offer.get();
      return refused == null ? Future.succeededFuture() : Future.failedFuture(refused);
    }
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      SendException refused = offer.get();
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
    if (!acceptsSends()) {
      return notConnected();
    }
    SendException full = checkRoom(out.wireSize(payload));
    if (full != null) {
      return full;
    }
    out.send(payload);
    return null;
  }

  private SendException offerAll(List<Buffer> payloads) {
    if (!acceptsSends()) {
      return notConnected();
    }
    SendException full = checkRoom(out.wireSize(payloads));
    if (full != null) {
      return full;
    }
    out.send(payloads);
    return null;
  }

  private SendException checkRoom(long bytes) {
    // An empty queue takes any one message, so a message up to maxMessageSize can always go.
    long queuedBytes = out.queuedBytes();
    if (queuedBytes > 0 && queuedBytes + bytes > limits.maxQueuedOutputBytes()) {
      services.count("send.output full");
      return new SendException(SendException.Reason.OUTPUT_FULL, "client " + name() + " has " + queuedBytes
          + " bytes of output queued; " + bytes + " more would exceed limits.maxQueuedOutputBytes ("
          + limits.maxQueuedOutputBytes() + ")");
    }
    return null;
  }

  private SendException notConnected() {
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + name() + " is not connected");
  }

  /** Bytes queued for this client and not yet taken by the kernel. Event loop only. */
  public long queuedOutputBytes() {
    return out.queuedBytes();
  }

  /** Whether the socket's write queue is above its high-water mark (time to stop producing). Event loop only. */
  public boolean isOutputFull() {
    return out.isFull();
  }

  /** Used by {@link GateServices#flushOffline}: writes queued-while-offline messages first. */
  void sendOffline(List<Buffer> messages) {
    if (!messages.isEmpty()) {
      out.send(messages);
    }
  }

  // ---- input flow -------------------------------------------------------------------------

  /**
   * Stops reading (back-pressure towards the peer): no message is delivered after this call
   * returns (the rest of the current read is held) until {@link #resumeReading()}. Thread-safe.
   */
  public void pauseReading() {
    run(in::pause);
  }

  /**
   * Pauses reading until everything queued so far reached the kernel, then reads again: the
   * simplest back-pressure for a handler that answers what it reads. Thread-safe.
   */
  public void pauseReadingUntilDrained() {
    run(() -> {
      in.pause();
      resumeOnEmpty = true;
      out.flushTracked();
    });
  }

  /** Reads again after {@link #pauseReading()}. Thread-safe. */
  public void resumeReading() {
    run(() -> out.batch(in::resume));
  }

  /** Whether reading from the socket is paused (by the application, a stream's demand or a drain wait). Event loop only. */
  public boolean isReadingPaused() {
    return !in.isReading();
  }

  /** Bytes received but not delivered yet, held while reading is paused. Event loop only. */
  public long heldInputBytes() {
    return in.heldBytes();
  }

  /**
   * Stops framing, in both directions: from now on bytes are delivered as they come and
   * sends go out as they are. Bytes already received but not yet decoded as a frame are
   * delivered raw. Thread-safe; a no-op on raw connections.
   */
  public void switchToRaw() {
    run(() -> {
      FrameDecoderStage decoder = channel.pipeline().get(FrameDecoderStage.class);
      if (decoder == null || !out.framed() || state != State.OPEN) {
        return;
      }
      out.framed(false);
      decoder.switchToRaw();
    });
  }

  // ---- closing ----------------------------------------------------------------------------

  /** Closes the connection once the output already queued reached the kernel; lazy and streamed sends fail. Thread-safe. */
  public void close(String reason) {
    run(() -> closeGracefully(reason));
  }

  /** Closes at once and drops the output not yet written. Thread-safe. */
  public void closeNow(String reason) {
    run(() -> {
      if (state == State.CLOSED) {
        return;
      }
      if (closeCause == null) {
        closeCause = reason;
      }
      closing = true;
      out.failBacklog(this::notConnected);
      stopDecoder();
      out.closeNow();
    });
  }

  /**
   * Refuses new sends, lets everything already queued (including iterators in progress) go
   * out, then closes. Thread-safe.
   */
  public void closeAfterFlush() {
    run(() -> {
      if (state == State.CLOSED || closing) {
        return;
      }
      closeAfterFlush = true;
      if (state != State.OPEN || out.isIdle()) {
        closeGracefully("closed after flush");
      } else {
        out.flushTracked(); // completions may not have been tracked so far
      }
    });
  }

  private void closeGracefully(String reason) {
    if (state == State.CLOSED || closing) {
      return;
    }
    if (closeCause == null) {
      closeCause = reason;
    }
    closing = true;
    out.failBacklog(this::notConnected);
    stopDecoder();
    out.closeAfterWrites();
  }

  private void stopDecoder() {
    FrameDecoderStage decoder = channel.pipeline().get(FrameDecoderStage.class);
    if (decoder != null) {
      decoder.stop();
    }
  }

  // ---- from the pipeline stages -----------------------------------------------------------

  /** Runs {@code work} on the event loop, in this connection's Vert.x context. */
  void run(Runnable work) {
    if (channel.eventLoop().inEventLoop()) {
      work.run();
    } else {
      context.runOnContext(v -> work.run());
    }
  }

  /** Runs {@code callback} (already on the event loop) as a task of this connection's Vert.x context. */
  @Override
  public void inContext(Runnable callback) {
    VertxChannels.dispatch(context, callback);
  }

  OutboundQueue out() {
    return out;
  }

  /** The server handshake admitted the keyword: OK goes out, the name is bound, the connection opens. */
  void admitted(ClientRegistry.Admission<Connection> admission) {
    out.sendFrame(FrameEncoder.frame(out.alloc(), Frames.OK));
    out.flush(); // now: the handler's "output empty" is about its own output, not about OK
    if (admission.replaced() != null) {
      services.count("takeover");
      LOG.info(() -> "taken over by " + describe());
      admission.replaced().close("taken over by a new connection");
      observe(() -> services.observer().takenOver(this, admission.replaced()));
    }
    open(admission.record());
  }

  /** The server handshake refused the peer: one ERR frame, then close. */
  void refuse(Refusal refusal, String text) {
    if (state != State.HANDSHAKE) {
      return;
    }
    state = State.CLOSED; // never opened: nothing to release but the socket
    String reason = text == null ? refusal.text() : text;
    services.count(refusal.counter());
    services.logRefusal(reason, () -> "refused " + describe() + ": " + reason);
    observe(() -> services.observer().refused(this, reason));
    closeCause = "refused: " + reason;
    stopDecoder();
    out.sendFrame(FrameEncoder.refusal(out.alloc(), reason));
    out.closeAfterWrites();
  }

  /** A dialled connection was answered OK (or is raw): it takes its link's name. */
  void bindDialled(String name) {
    ClientRegistry.Admission<Connection> admission = services.registry().admit(name, this, true, true);
    if (admission.replaced() != null) {
      admission.replaced().close("replaced by a new outgoing connection");
    }
    open(admission.record());
    if (state == State.OPEN) {
      dial.opened(this);
    }
  }

  /** A dialled connection's handshake failed: the link hears why, the socket closes. */
  void dialRefused(String reason) {
    closeCause = "refused: " + reason;
    stopDecoder();
    dial.refused(this, reason);
    if (state != State.CLOSED) {
      closing = true;
      out.closeNow();
    }
  }

  private void open(ClientRecord<Connection> record) {
    client = record;
    state = State.OPEN;
    services.count("opened");
    handler = services.handlerFor(client, gate);
    wantsDrained = handler.wantsDrained();
    readsInPlace = handler.readsInPlace();
    FrameDecoderStage decoder = channel.pipeline().get(FrameDecoderStage.class);
    if (decoder != null) {
      long threshold = handler.streamThreshold();
      decoder.limit(threshold >= 0 ? Math.min(threshold, limits.maxMessageSize()) : limits.maxMessageSize());
    }
    guarded(() -> handler.onOpen(this));
    if (state == State.OPEN) {
      observe(() -> services.observer().opened(this));
      services.flushOffline(client, this);
    }
  }

  /** An event from the pipeline for the handler (a message, a chunk, a stream's start or end). */
  void onInbound(Object event) {
    in.onEvent(event);
  }

  /** Nothing went in or out for {@code idleTimeoutMs}. */
  void onIdle() {
    services.count("closed.idle timeout");
    LOG.fine(() -> "closing " + describe() + ": idle");
    closeGracefully("idle timeout");
  }

  void onSocketError(Throwable err) {
    if (closeCause == null) {
      closeCause = "socket error: " + err.getMessage();
    }
    LOG.fine(() -> "socket error on " + describe() + ": " + err);
    closing = true;
    out.closeNow();
  }

  /** The channel closed: everything this connection holds is given back, then everyone is told. */
  void onClosed() {
    State was = state;
    state = State.CLOSED;
    lease.release();
    stopDecoder();
    String cause = closeCause == null ? "closed by peer" : closeCause;
    out.failBacklog(this::notConnected);
    try {
      in.close(cause);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stream handler of " + describe() + " failed", e);
    }
    if (client != null) {
      services.registry().release(client, this);
    }
    if (was == State.OPEN) {
      observe(() -> services.observer().closed(this, cause));
      services.count("closed");
      try {
        handler.onClosed(this, cause);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "handler of " + describe() + " failed in onClosed", e);
      }
      dial.lost(this, cause);
    }
  }

  // ---- OutboundQueue.Owner and InboundFlow.Sink -------------------------------------------

  /** Open and not closing: input is delivered and queued output moves. */
  @Override
  public boolean isOpen() {
    return state == State.OPEN && !closing;
  }

  /** Takes new sends: open, and not draining towards a close. */
  private boolean acceptsSends() {
    return isOpen() && !closeAfterFlush;
  }

  @Override
  public boolean wantsOutputEmpty() {
    return wantsDrained || closeAfterFlush || resumeOnEmpty;
  }

  @Override
  public void onOutputEmpty() {
    if (resumeOnEmpty) {
      resumeOnEmpty = false;
      out.batch(in::resume);
    }
    if (closeAfterFlush) {
      closeAfterFlush = false;
      closeGracefully("closed after flush");
    } else if (state == State.OPEN && !closing) {
      out.batch(() -> guarded(() -> handler.onDrained(this)));
    }
  }

  @Override
  public void onStreamSendFailed(String reason) {
    LOG.warning(() -> "closing " + describe() + ": streamed send failed: " + reason);
    services.count("closed.stream send failed");
    closeNow("streamed send failed: " + reason);
  }

  @Override
  public ByteBuf ownedBytes(Buffer payload) {
    return lending.owned(payload);
  }

  @Override
  public void deliverMessage(ByteBuf message) {
    if (readsInPlace) {
      try {
        Buffer lent = lending.lend(message);
        guarded(() -> handler.onMessage(this, lent));
      } finally {
        lending.end();
        message.release();
      }
      return;
    }
    Buffer copy;
    try {
      copy = VertxBuffers.heapCopy(message);
    } finally {
      message.release();
    }
    guarded(() -> handler.onMessage(this, copy));
  }

  @Override
  public boolean acceptsStreams() {
    return handler.streamThreshold() >= 0;
  }

  @Override
  public void refuseOversized(long length) {
    LOG.warning(() -> "closing " + describe() + ": a message of " + Frames.unsigned(length)
        + " bytes exceeds limits.maxMessageSize (" + limits.maxMessageSize() + ")");
    services.count("closed.message too long");
    closeGracefully("message too long");
  }

  @Override
  public void openStream(MessageStream stream) {
    services.count("streams.received");
    guarded(() -> handler.onStream(this, stream));
  }

  @Override
  public void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "connection observer failed for " + describe(), e);
    }
  }

  // A failing handler costs its own connection, never the server.
  private void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "handler of " + describe() + " failed; closing the connection", e);
      services.count("closed.handler failed");
      closeGracefully("handler failed: " + e);
    }
  }

  /** For logs: {@code client#3 "alice" via gate tcp from 127.0.0.1:41234}. */
  @Override
  public String describe() {
    ClientRecord<Connection> c = client;
    String who = c == null ? "peer" : "client#" + c.id() + " \"" + Keywords.printable(c.name()) + "\"";
    return who + " via " + via + " " + gate.name() + " from " + peer.remoteAddress();
  }

  @Override
  public String toString() {
    return describe();
  }
}
