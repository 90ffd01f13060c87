package io.asockio.impl.channel;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.SendException;
import io.asockio.impl.core.Counters;
import io.asockio.impl.core.GuardLease;
import io.asockio.impl.core.HeldInputBudget;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.metrics.NodeMetrics;
import io.asockio.impl.vertx.VertxChannels;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: its identity, its state, and the sends and closes that reach it
 * from any thread. The work is done by the stages of its channel's pipeline (see
 * {@link Pipelines}); this object holds what they share.
 *
 * <pre>
 *   HANDSHAKE ──OK sent or received (or raw)──► OPEN ──close, EOF, error──► CLOSED
 *       └──refused: ERR sent or received, timeout──────────────────────────────┘
 * </pre>
 *
 * Accepted and dialled connections are the same object after the handshake; how one leaves
 * its handshake is {@link Opening}'s. Its state is confined to its event loop; the
 * thread-safe methods hop there ({@link #run}).
 */
public final class ChannelConnection extends ConnectionIdentity implements OutboundOwner {

  private static final Logger LOG = Logger.getLogger(ChannelConnection.class.getName());

  /** Where a connection is in its life. */
  enum State { HANDSHAKE, OPEN, CLOSED }

  // Package-visible for Opening, the other half of this class's life (its handshake's end).
  final NodeContext node;
  final Channel channel;
  final GuardLease lease;
  final DialOutcome dial;
  private final OutboundQueue out;
  final HandlerAdapter handler;
  private final InboundFlow in;
  private final HeldInputBudget.Claim heldInput;
  private final Sends sends;
  /** How this connection leaves its handshake (admitted, refused, denied; dialled: bound or failed). */
  final Opening opening = new Opening(this);
  /** How it ends when the pipeline reports its peer gone, idleness, an error or an oversized message. */
  final Ending ending = new Ending(this);

  private State state = State.HANDSHAKE;
  private CloseReason closeReason;
  private boolean closing;
  private CloseReason closeWhenFlushed; // closeAfterFlush, or the peer half-closed: why it closes once output is out
  private boolean resumeOnEmpty;
  // The frame or datagram decoder, as Pipelines installed it; none on raw connections and after a switch to raw.
  // Held here rather than looked up: a pipeline lookup by type walks every stage (twice per connection's life).
  volatile MessageStage messageStage;

  ChannelConnection(NodeContext node, ConnectionOrigin origin, int instance, Channel channel, Context context,
                    PeerFacts peer, GuardLease lease, DialOutcome dial) {
    super(origin, instance, context, peer);
    this.node = node;
    this.channel = channel;
    this.lease = lease;
    this.dial = dial;
    this.out = new OutboundQueue(this, origin, node.output().share());
    this.handler = new HandlerAdapter(this, channel, node.counters(),
        e -> closeGracefully(new CloseReason(CloseCause.HANDLER_FAILED, String.valueOf(e))));
    this.in = new InboundFlow(handler, this);
    this.heldInput = node.heldInput().claim(channel.eventLoop(), in::memoryAllowsReading);
    this.sends = new Sends(this, out, node.counters(), node.config().limits().maxQueuedOutputBytes(), node.output(),
        origin.maxDatagramSize());
  }

  State state() {
    return state;
  }

  /** Why it closed or is closing (null while nobody closed it; the peer's close is not recorded here). */
  CloseReason closeReason() {
    return closeReason;
  }

  /** A streamed message began ({@code true}) or ended, for the node's metrics. */
  void streamCounted(boolean began) {
    NodeMetrics metrics = node.metrics();
    if (metrics != null) {
      if (began) {
        metrics.streamStarted();
      } else {
        metrics.streamEnded();
      }
    }
  }

  /** This connection's share of the node's held-input budget. */
  HeldInputBudget.Claim heldInputClaim() {
    return heldInput;
  }

  // ---- output -----------------------------------------------------------------------------

  @Override
  public Future<Void> send(Buffer payload) {
    return sends.send(payload);
  }

  @Override
  public Future<Void> send(List<Buffer> payloads) {
    return sends.send(payloads);
  }

  @Override
  public Future<Void> sendAll(Iterator<Buffer> source) {
    return sends.sendAll(source);
  }

  @Override
  public Future<Void> sendStream(ReadStream<Buffer> source, long length) {
    return sends.sendStream(source, length);
  }

  @Override
  public void sendFirst(List<Buffer> messages) {
    if (!messages.isEmpty()) {
      out.send(messages);
    }
  }

  @Override
  public long queuedOutputBytes() {
    return out.queuedBytes();
  }

  @Override
  public boolean isOutputFull() {
    return out.isFull();
  }

  // ---- input ------------------------------------------------------------------------------

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
  public long messagesReceived() {
    return in.messagesIn();
  }

  @Override
  public long bytesReceived() {
    return in.bytesIn();
  }

  @Override
  public long messagesSent() {
    return out.messagesOut();
  }

  @Override
  public long bytesSent() {
    return out.bytesOut();
  }

  @Override
  public boolean isReadingPaused() {
    return !in.isReading();
  }

  @Override
  public long heldInputBytes() {
    MessageStage decoder = messageStage;
    return in.heldBytes() + (decoder == null ? 0 : decoder.retainedBytes());
  }

  @Override
  public void switchToRaw() {
    run(() -> {
      if (messageStage instanceof FrameDecoderStage && out.framed() && state == State.OPEN) {
        out.framed(false);
        FrameDecoderStage decoder = (FrameDecoderStage) messageStage;
        messageStage = null; // it leaves the pipeline
        decoder.switchToRaw();
      }
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

  @Override
  public void closeAfterFlush() {
    run(() -> closeWhenFlushed(CloseReason.of(CloseCause.AFTER_FLUSH)));
  }

  // Takes no more sends; what is queued (lazy and streamed sends included) goes out, then it closes.
  void closeWhenFlushed(CloseReason reason) {
    if (isClosingOrClosed() || closeWhenFlushed != null) {
      return;
    }
    closeWhenFlushed = reason;
    if (state != State.OPEN || out.isIdle()) {
      closeGracefully(reason);
    } else {
      out.flushTracked(); // completions may not have been tracked so far
    }
  }

  // Queued output still goes out; lazy and streamed sends fail.
  void closeGracefully(CloseReason reason) {
    if (beginClose(reason)) {
      out.closeAfterWrites();
    }
  }

  // Drops what the kernel still holds (RST).
  void closeNow(CloseReason reason) {
    if (beginClose(reason)) {
      out.closeNow();
    }
  }

  boolean isClosingOrClosed() {
    return closing || state == State.CLOSED;
  }

  boolean holdsInput() {
    return in.holdsInput();
  }

  private boolean beginClose(CloseReason reason) {
    if (isClosingOrClosed()) {
      return false;
    }
    if (closeReason == null) {
      closeReason = reason;
    }
    closing = true;
    lease.handshakeDone(); // a closing connection no longer counts as a pending handshake
    out.backlog().failAll(sends::notConnected);
    stopDecoder();
    return true;
  }

  void stopDecoder() {
    MessageStage decoder = messageStage;
    if (decoder != null) {
      decoder.stop();
    }
  }

  // ---- what the stages report -------------------------------------------------------------

  boolean inEventLoop() {
    return channel.eventLoop().inEventLoop();
  }

  /** Runs {@code work} on the event loop, in this connection's Vert.x context. */
  void run(Runnable work) {
    if (inEventLoop()) {
      work.run();
    } else {
      context.runOnContext(v -> work.run());
    }
  }

  /** Runs {@code callback} (already on the event loop) as a task of this connection's Vert.x context. */
  @Override
  public void inContext(Runnable callback) {
    if (node.alreadyIn(context)) {
      callback.run();
      return;
    }
    VertxChannels.dispatch(context, callback);
  }

  OutboundQueue out() {
    return out;
  }

  void state(State next) {
    state = next;
  }

  /** An event from the pipeline for the handler (a message, a chunk, a stream's start or end). */
  void onInbound(Object event) {
    in.onEvent(event);
  }

  /** The channel closed: everything this connection holds is given back, then everyone is told. */
  void onClosed() {
    State was = state;
    state = State.CLOSED;
    lease.release();
    stopDecoder();
    CloseReason reason = closeReason == null ? CloseReason.of(CloseCause.PEER_CLOSED) : closeReason;
    out.backlog().failAll(sends::notConnected);
    try {
      in.close(reason.toString());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stream handler of " + describe() + " failed", e);
    }
    if (client() != null) {
      node.registry().release(client(), this);
    }
    if (was == State.OPEN) {
      node.closed(this, reason);
      handler.lost(reason);
      dial.lost(reason);
    }
  }

  // ---- OutboundOwner ---------------------------------------------------------------------

  /** Open and not closing: input is delivered and queued output moves. */
  @Override
  public boolean isOpen() {
    return state == State.OPEN && !closing;
  }

  /** Takes new sends: open, and not draining towards a close. */
  boolean acceptsSends() {
    return isOpen() && closeWhenFlushed == null;
  }

  @Override
  public boolean wantsOutputEmpty() {
    return handler.wantsOutputEmpty() || closeWhenFlushed != null || resumeOnEmpty;
  }

  @Override
  public void onOutputEmpty() {
    if (resumeOnEmpty) {
      resumeOnEmpty = false;
      out.batch(in::resume);
    }
    if (closeWhenFlushed != null) {
      closeGracefully(closeWhenFlushed);
    } else if (isOpen()) {
      out.batch(handler::outputEmpty);
    }
  }

  @Override
  public void onStreamSendFailed(String reason) {
    node.counters().count(Counters.sendFailed(SendException.Reason.SOURCE_FAILED));
    LOG.warning(() -> "closing " + describe() + ": streamed send failed: " + reason);
    closeNow(new CloseReason(CloseCause.STREAM_SEND_FAILED, reason));
  }

  @Override
  public ByteBuf ownedBytes(ByteBuf view) {
    return handler.ownedBytes(view);
  }

  @Override
  public boolean isFramed() {
    return out.framed();
  }

}
