package io.asockio.impl.channel;

import io.asockio.api.ClientKind;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.MessageStream;
import io.asockio.api.SendException;
import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.Counters;
import io.asockio.impl.core.GateGuard;
import io.asockio.impl.core.GuardLease;
import io.asockio.impl.core.NodeConnection;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Printable;
import io.asockio.impl.core.Refusal;
import io.asockio.impl.vertx.VertxBuffers;
import io.asockio.impl.vertx.VertxChannels;
import io.asockio.security.AccessRules;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: its identity, its state and the sends and closes that reach it from
 * any thread. The work is done by the stages of its channel's pipeline, installed by
 * {@link #accept} or {@link #dial} in front of Vert.x's own handler:
 *
 * <pre>
 *  head ─ [ssl] ─ [idle] ─ OutboundQueue ─ FrameDecoderStage ─ Server|ClientHandshake ─ ConnectionStage ─ Vert.x
 *                          every write,      u64 frames,         keyword, OK/ERR;        InboundFlow ─► handler
 *                          one flush per     streaming           removes itself
 *                          read loop                             after OK
 *  raw: no decoder and no handshake.   State: HANDSHAKE ─OK─► OPEN ─close/EOF─► CLOSED
 * </pre>
 *
 * Accepted and dialled connections are the same object after the handshake. Its state is
 * confined to its event loop; the thread-safe methods hop there.
 */
public final class ChannelConnection implements NodeConnection, OutboundQueue.Owner, InboundFlow.Sink {

  private static final Logger LOG = Logger.getLogger(ChannelConnection.class.getName());
  static final String IDLE_STAGE = "asockio-idle";

  /** Where a connection is in its life. */
  enum State { HANDSHAKE, OPEN, CLOSED }

  /** What a dialled connection reports: its handshake's outcome, then its end. */
  public interface DialOutcome {
    /** The server answered {@code OK} (or the link is raw): the connection is open. */
    void opened(ChannelConnection connection);

    /** The server refused ({@code ERR reason}), answered something else, or closed first. */
    void refused(String reason);

    /** The open connection ended. */
    void lost(CloseReason reason);

    /** Accepted connections report nothing. */
    DialOutcome NONE = new DialOutcome() {
      @Override
      public void opened(ChannelConnection connection) {
      }

      @Override
      public void refused(String reason) {
      }

      @Override
      public void lost(CloseReason reason) {
      }
    };
  }

  private final NodeContext node;
  private final ConnectionOrigin origin;
  private final int instance;
  private final Channel channel;
  private final Context context;
  private final Limits limits;
  private final PeerFacts peer;
  private final GuardLease lease;
  private final DialOutcome dial;
  private final OutboundQueue out;
  private final InboundFlow in;
  private final Lending lending = new Lending();

  private State state = State.HANDSHAKE;
  private ClientRecord client;
  private ConnectionHandler handler;
  private CloseReason closeReason;
  private boolean closing;
  private boolean closeAfterFlush;
  private boolean resumeOnEmpty;
  private boolean wantsOutputEmpty;
  private boolean readsInPlace;

  private ChannelConnection(NodeContext node, ConnectionOrigin origin, int instance, Channel channel, Context context,
                            PeerFacts peer, GuardLease lease, DialOutcome dial) {
    this.node = node;
    this.origin = origin;
    this.instance = instance;
    this.channel = channel;
    this.context = context;
    this.limits = node.config().limits();
    this.peer = peer;
    this.lease = lease;
    this.dial = dial;
    this.out = new OutboundQueue(this, origin.framed());
    this.in = new InboundFlow(this, this);
  }

  /**
   * Installs an accepted connection's stages in {@code pipeline}, in front of the handler named
   * {@code before}, after checking the gate's bounds (handshake for framed gates; access rules
   * and the open connection at once for raw ones). Runs in the socket's connect callback, so
   * that no byte arrives before the stages.
   */
  public static ChannelConnection accept(NodeContext node, GateConfig gate, int instance, ChannelPipeline pipeline,
                                         String before, Context context, PeerFacts peer) {
    ConnectionOrigin origin = ConnectionOrigin.gate(gate);
    GateGuard guard = node.guard(gate.name(), gate.limits());
    Refusal overLimit = guard.tryAccept(peer.addressKey(), origin.framed());
    GuardLease lease = overLimit == null ? new GuardLease(guard, peer.addressKey(), origin.framed()) : GuardLease.NONE;
    ChannelConnection c = new ChannelConnection(node, origin, instance, pipeline.channel(), context, peer, lease, DialOutcome.NONE);
    if (origin.idleTimeoutMs() > 0 && overLimit == null) {
      pipeline.addBefore(before, IDLE_STAGE, new IdleStateHandler(0, 0, origin.idleTimeoutMs(), TimeUnit.MILLISECONDS));
    }
    pipeline.addBefore(before, OutboundQueue.NAME, c.out);
    if (overLimit != null) {
      // Refused before any other work: a flood costs one check and one close per connection.
      c.refuse(overLimit, null);
      return c;
    }
    if (origin.framed()) {
      pipeline.addBefore(before, FrameDecoderStage.NAME, new FrameDecoderStage(c.limits.maxKeywordLength(), c.out.alloc()));
      pipeline.addBefore(before, ServerHandshake.NAME, new ServerHandshake(c, node, peer, lease));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!origin.framed()) {
      AccessRules.Decision decision = node.access().decide(peer.peer(null, origin.transportName(), origin.name()));
      if (!decision.allowed()) {
        node.denied(null, decision, origin.name(), peer.remoteAddress(), peer.certificateCn());
        c.state = State.CLOSED;
        c.out.closeNow();
        return c;
      }
      c.open(node.registry().anonymous(c));
    }
    return c;
  }

  /**
   * Installs a dialled connection's stages (client role): it sends {@code keyword} (framed
   * links) and waits for the answer, then binds to {@code name} in the registry.
   */
  public static ChannelConnection dial(NodeContext node, ConnectionOrigin origin, ChannelPipeline pipeline, String before,
                                       Context context, PeerFacts peer, byte[] keyword, DialOutcome outcome) {
    ChannelConnection c = new ChannelConnection(node, origin, 0, pipeline.channel(), context, peer, GuardLease.NONE, outcome);
    pipeline.addBefore(before, OutboundQueue.NAME, c.out);
    if (origin.framed()) {
      pipeline.addBefore(before, FrameDecoderStage.NAME, new FrameDecoderStage(c.limits.maxKeywordLength(), c.out.alloc()));
      pipeline.addBefore(before, ClientHandshake.NAME, new ClientHandshake(c, keyword, c.limits.handshakeTimeoutMs()));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!origin.framed()) {
      c.bindDialled();
    }
    return c;
  }

  // ---- identity ---------------------------------------------------------------------------

  @Override
  public long id() {
    ClientRecord c = client;
    return c == null ? -1 : c.id();
  }

  @Override
  public String name() {
    ClientRecord c = client;
    return c == null ? null : c.name();
  }

  @Override
  public ClientKind kind() {
    ClientRecord c = client;
    return c == null ? null : c.kind();
  }

  @Override
  public String gateName() {
    return origin.name();
  }

  @Override
  public GateConfig.Transport transport() {
    return origin.transport();
  }

  @Override
  public String transportName() {
    return origin.transportName();
  }

  @Override
  public String configuredProcessor() {
    return origin.processor();
  }

  @Override
  public int instance() {
    return instance;
  }

  @Override
  public String remoteAddress() {
    return peer.remoteAddress();
  }

  @Override
  public String certificateCn() {
    return peer.certificateCn();
  }

  @Override
  public boolean isFramed() {
    return out.framed();
  }

  @Override
  public Context context() {
    return context;
  }

  State state() {
    return state;
  }

  // ---- output -----------------------------------------------------------------------------

  @Override
  public Future<Void> send(Buffer payload) {
    return onLoop(() -> offer(payload));
  }

  @Override
  public Future<Void> send(List<Buffer> payloads) {
    return onLoop(() -> offerAll(payloads));
  }

  @Override
  public Future<Void> sendAll(Iterator<Buffer> source) {
    Promise<Void> promise = Promise.promise();
    run(() -> {
      if (!acceptsSends()) {
        promise.fail(notConnected());
      } else {
        out.add(new IteratorSend(source, promise));
      }
    });
    return promise.future();
  }

  @Override
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

  @Override
  public void sendFirst(List<Buffer> messages) {
    if (!messages.isEmpty()) {
      out.send(messages);
    }
  }

  private Future<Void> onLoop(Supplier<SendException> offer) {
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

  private SendException offer(Buffer payload) {
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
      node.counters().count(Counters.OUTPUT_FULL);
      return new SendException(SendException.Reason.OUTPUT_FULL, "client " + name() + " has " + queuedBytes
          + " bytes of output queued; " + bytes + " more would exceed limits.maxQueuedOutputBytes ("
          + limits.maxQueuedOutputBytes() + ")");
    }
    return null;
  }

  private SendException notConnected() {
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + name() + " is not connected");
  }

  @Override
  public long queuedOutputBytes() {
    return out.queuedBytes();
  }

  @Override
  public boolean isOutputFull() {
    return out.isFull();
  }

  // ---- input flow -------------------------------------------------------------------------

  @Override
  public void pauseReading() {
    run(in::pause);
  }

  @Override
  public void pauseReadingUntilDrained() {
    run(() -> {
      in.pause();
      resumeOnEmpty = true;
      out.flushTracked();
    });
  }

  @Override
  public void resumeReading() {
    run(() -> out.batch(in::resume));
  }

  @Override
  public boolean isReadingPaused() {
    return !in.isReading();
  }

  @Override
  public long heldInputBytes() {
    return in.heldBytes();
  }

  @Override
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

  @Override
  public void close() {
    close(CloseReason.of(CloseCause.APPLICATION));
  }

  @Override
  public void close(CloseReason reason) {
    run(() -> closeGracefully(reason));
  }

  @Override
  public void closeNow() {
    run(() -> closeNow(CloseReason.of(CloseCause.APPLICATION)));
  }

  private void closeNow(CloseReason reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (closeReason == null) {
      closeReason = reason;
    }
    closing = true;
    out.failBacklog(this::notConnected);
    stopDecoder();
    out.closeNow();
  }

  @Override
  public void closeAfterFlush() {
    run(() -> {
      if (state == State.CLOSED || closing) {
        return;
      }
      closeAfterFlush = true;
      if (state != State.OPEN || out.isIdle()) {
        closeGracefully(CloseReason.of(CloseCause.AFTER_FLUSH));
      } else {
        out.flushTracked(); // completions may not have been tracked so far
      }
    });
  }

  private void closeGracefully(CloseReason reason) {
    if (state == State.CLOSED || closing) {
      return;
    }
    if (closeReason == null) {
      closeReason = reason;
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
  void admitted(ClientRegistry.Admission admission) {
    out.sendFrame(FrameEncoder.frame(out.alloc(), Frames.OK));
    out.flush(); // now: the handler's "output empty" is about its own output, not about OK
    if (admission.replaced() != null) {
      LOG.info(() -> "taken over by " + describe());
      admission.replaced().close(new CloseReason(CloseCause.TAKEN_OVER, "by a new connection"));
      node.takenOver(this, admission.replaced());
    }
    open(admission.record());
  }

  /** A refusal before the connection opened: one ERR frame (framed), then close. */
  void refuse(Refusal refusal, String text) {
    if (state != State.HANDSHAKE) {
      return;
    }
    state = State.CLOSED; // never opened: nothing to release but the socket
    String reason = text == null ? refusal.text() : text;
    node.refused(refusal, reason, origin.name(), origin.transportName(), peer.remoteAddress(),
        () -> "refused " + describe() + ": " + reason);
    stopDecoder();
    if (origin.framed()) {
      out.sendFrame(FrameEncoder.refusal(out.alloc(), reason));
    }
    out.closeAfterWrites();
  }

  /** A dialled connection was answered OK (or is raw): it takes its link's name. */
  void bindDialled() {
    ClientRegistry.Admission admission = node.registry().admit(origin.name(), this, io.asockio.config.Policies.DEFAULTS);
    if (admission.replaced() != null) {
      admission.replaced().close(new CloseReason(CloseCause.TAKEN_OVER, "by a new outgoing connection"));
    }
    open(admission.record());
    if (state == State.OPEN) {
      dial.opened(this);
    }
  }

  /** A dialled connection's handshake failed: the link hears why, the socket closes. */
  void dialRefused(String reason) {
    stopDecoder();
    dial.refused(reason);
    if (state != State.CLOSED) {
      state = State.CLOSED;
      out.closeNow();
    }
  }

  private void open(ClientRecord record) {
    client = record;
    state = State.OPEN;
    handler = node.handlerFor(client, this);
    wantsOutputEmpty = handler.wantsOutputBuffersAreEmpty();
    readsInPlace = handler.readsInPlace();
    FrameDecoderStage decoder = channel.pipeline().get(FrameDecoderStage.class);
    if (decoder != null) {
      long threshold = handler.streamThreshold();
      decoder.limit(threshold >= 0 ? Math.min(threshold, limits.maxMessageSize()) : limits.maxMessageSize());
    }
    guarded(() -> handler.onConnected(this));
    if (state == State.OPEN && !closing) {
      node.opened(this);
      record.flushOfflineTo(this);
    }
  }

  /** An event from the pipeline for the handler (a message, a chunk, a stream's start or end). */
  void onInbound(Object event) {
    in.onEvent(event);
  }

  /** Nothing went in or out for {@code idleTimeoutMs}. */
  void onIdle() {
    LOG.fine(() -> "closing " + describe() + ": idle");
    closeGracefully(CloseReason.of(CloseCause.IDLE));
  }

  void onSocketError(Throwable err) {
    if (closeReason == null) {
      closeReason = new CloseReason(CloseCause.SOCKET_ERROR, String.valueOf(err.getMessage()));
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
    CloseReason reason = closeReason == null ? CloseReason.of(CloseCause.PEER_CLOSED) : closeReason;
    out.failBacklog(this::notConnected);
    try {
      in.close(reason.toString());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stream handler of " + describe() + " failed", e);
    }
    if (client != null) {
      node.registry().release(client, this);
    }
    if (was == State.OPEN) {
      node.closed(this, reason);
      try {
        handler.onConnectionLost(this, reason);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "handler of " + describe() + " failed in onConnectionLost", e);
      }
      dial.lost(reason);
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
    return wantsOutputEmpty || closeAfterFlush || resumeOnEmpty;
  }

  @Override
  public void onOutputEmpty() {
    if (resumeOnEmpty) {
      resumeOnEmpty = false;
      out.batch(in::resume);
    }
    if (closeAfterFlush) {
      closeAfterFlush = false;
      closeGracefully(CloseReason.of(CloseCause.AFTER_FLUSH));
    } else if (isOpen() && wantsOutputEmpty) {
      out.batch(() -> guarded(() -> handler.onOutputBuffersAreEmpty(this)));
    }
  }

  @Override
  public void onStreamSendFailed(String reason) {
    LOG.warning(() -> "closing " + describe() + ": streamed send failed: " + reason);
    closeNow(new CloseReason(CloseCause.STREAM_SEND_FAILED, reason));
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
        guarded(() -> handler.onDataReceived(this, lent));
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
    guarded(() -> handler.onDataReceived(this, copy));
  }

  @Override
  public boolean acceptsStreams() {
    return handler.streamThreshold() >= 0;
  }

  @Override
  public void refuseOversized(long length) {
    LOG.warning(() -> "closing " + describe() + ": a message of " + Frames.unsigned(length)
        + " bytes exceeds limits.maxMessageSize (" + limits.maxMessageSize() + ")");
    closeGracefully(CloseReason.of(CloseCause.MESSAGE_TOO_LONG));
  }

  @Override
  public void openStream(MessageStream stream) {
    node.counters().count(Counters.STREAMS_RECEIVED);
    guarded(() -> handler.onMessageStream(this, stream));
  }

  @Override
  public void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  // ---- helpers ----------------------------------------------------------------------------

  // A failing handler costs its own connection, never the server.
  private void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "handler of " + describe() + " failed; closing the connection", e);
      closeGracefully(new CloseReason(CloseCause.HANDLER_FAILED, String.valueOf(e)));
    }
  }

  @Override
  public String describe() {
    ClientRecord c = client;
    String who = c == null ? "peer" : "client#" + c.id() + " \"" + Printable.of(c.name()) + "\"";
    return who + " via " + origin.via() + " " + origin.name() + " from " + peer.remoteAddress();
  }

  @Override
  public String toString() {
    return describe();
  }
}
