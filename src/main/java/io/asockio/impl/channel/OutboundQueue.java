package io.asockio.impl.channel;

import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.impl.core.OutputBudget;
import io.asockio.impl.vertx.VertxBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.function.Consumer;

/**
 * The one way out of a connection: every byte asockio writes on a channel goes through
 * here, handshake answers included. Sits near the head of the pipeline, so that it sees the
 * read loop go by:
 *
 * <ul>
 *   <li><b>One flush per read loop.</b> Writes made while a read loop runs are flushed once,
 *       at {@code channelReadComplete} (Netty's {@code FlushConsolidationHandler} idiom);
 *       writes made inside {@link #batch} are flushed when it ends; any other write at once.</li>
 *   <li><b>A backlog behind the socket.</b> While lazy senders ({@link IteratorSend}) or
 *       streamed sends ({@link StreamSend}) are in front, later writes wait behind them, so
 *       order holds; the backlog moves only while the channel is writable.</li>
 *   <li><b>Completion when asked.</b> When the owner wants to know that the output emptied,
 *       {@link WriteCompletion} finds out after each flush (at once when the socket took
 *       everything, else from an empty write behind the data) and {@link OutputEmptyReport}
 *       tells the owner, in a task of its own.</li>
 * </ul>
 *
 * Event loop only.
 */
final class OutboundQueue extends ChannelDuplexHandler {

  static final String NAME = "asockio-outbound";

  private final OutboundOwner owner;
  private ChannelHandlerContext ctx;
  private CloseSequence closer;
  private boolean framed;
  // UDP: every message keeps its 8-byte header down to the peer channel, which cuts one datagram per header.
  private final boolean datagram;
  private final boolean tls;
  private final Backlog backlog;
  private boolean reading;
  private int batchDepth;
  private boolean unflushed;
  private WriteCompletion completion;
  private final OutputEmptyReport emptyReport;
  private long messagesOut;
  private long bytesOut;
  private final OutputBudget.Share budget; // this connection's share of the node's output budget, or null
  private OutputReporter reporter;
  private Consumer<Object> directReader; // a raw connection's reads skip the hop to ConnectionStage

  /**
   * @param origin framed or raw; over TLS; a datagram channel ({@code DatagramPeerChannel}) sends
   *               one datagram per message, so messages keep their headers on the way there, raw ones too
   */
  OutboundQueue(OutboundOwner owner, ConnectionOrigin origin, OutputBudget.Share budget) {
    this.owner = owner;
    this.emptyReport = new OutputEmptyReport(owner, this);
    this.framed = origin.framed();
    this.datagram = origin.datagram();
    this.tls = origin.tls();
    this.budget = budget;
    this.backlog = new Backlog(this, owner);
  }

  // Whether a message written here carries its header (framed, or a datagram's boundary).
  private boolean headers() {
    return framed || datagram;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.closer = new CloseSequence(ctx, tls);
    // Under TLS, or on a UDP peer's or a child's channel, a flush does not hand the bytes to the socket's own buffer.
    boolean writesReachSocket = !tls && !(ctx.channel() instanceof VirtualChannel);
    this.completion = new WriteCompletion(ctx, writesReachSocket, () -> {
      if (isIdle()) {
        emptyReport.schedule(ctx.executor());
      }
    });
    this.reporter = budget == null ? null : new OutputReporter(ctx, budget, backlog::bufferedBytes);
  }

  // ---- the read loop and writability ----------------------------------------------------

  // Netty's callbacks enter the connection's Vert.x context here, at the first asockio stage:
  // once per read (as Vert.x does), and the stages behind run inside it.
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    Consumer<Object> reader = directReader;
    owner.inContext(reader != null ? () -> reader.accept(msg) : () -> ctx.fireChannelRead(msg));
  }

  /** Reads go straight to {@code reader}: a raw connection's next stage only hands them on (a hop per read less). */
  void readInto(Consumer<Object> reader) {
    this.directReader = reader;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (reporter != null) {
      reporter.closed();
    }
    owner.inContext(ctx::fireChannelInactive);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    owner.inContext(() -> ctx.fireUserEventTriggered(evt));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    owner.inContext(() -> ctx.fireExceptionCaught(cause));
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (batchDepth == 0) {
      flush();
    }
    // Not passed on: no stage behind needs it, and Vert.x's handler read nothing of this loop (a hop per read saved).
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    reportQueued();
    owner.inContext(() -> {
      if (ctx.channel().isWritable()) {
        batch(backlog::pump);
      }
      ctx.fireChannelWritabilityChanged();
    });
  }

  // ---- writing --------------------------------------------------------------------------

  /** Whether payloads are framed (false on raw connections and after a switch to raw). */
  boolean framed() {
    return framed;
  }

  void framed(boolean on) {
    framed = on;
  }

  /** Runs {@code work}; what it writes is flushed once, when it returns (or at the end of the read loop). */
  void batch(Runnable work) {
    batchDepth++;
    try {
      work.run();
    } finally {
      if (--batchDepth == 0 && !reading) {
        flush();
      }
    }
  }

  /** One message, framed or raw as the connection is; written now or behind the backlog. */
  void send(Buffer payload) {
    ByteBuf view = VertxBuffers.view(payload);
    int length = view.readableBytes();
    messagesOut++;
    bytesOut += length;
    if (datagram && backlog.isEmpty()) {
      write(new DatagramMessage(owner.ownedBytes(view))); // one datagram, from the memory it is in
      return;
    }
    if (!headers() && view.isDirect() && Lending.outsideAnyPool(view)) {
      enqueue(view); // raw, off-heap memory no pool reclaims (a SharedBuffers answer): written from where it is
      return;
    }
    if (length <= FrameEncoder.COPY_THRESHOLD) {
      // Small: one copy next to the header costs less than taking a reference to the payload.
      ByteBuf copy = ctx.alloc().directBuffer((headers() ? Frames.HEADER_SIZE : 0) + length);
      if (headers()) {
        copy.writeLongLE(length);
      }
      enqueue(copy.writeBytes(view, view.readerIndex(), length));
      return;
    }
    ByteBuf bytes = owner.ownedBytes(view); // the same view: one slice per send, not two
    if (!headers()) {
      enqueue(bytes);
      return;
    }
    // Header and payload as two writes that go out in one writev: no composite buffer to build and free.
    ByteBuf header = FrameEncoder.header(ctx.alloc(), length);
    if (backlog.isEmpty()) {
      ctx.write(header, ctx.voidPromise());
      write(bytes);
    } else {
      enqueue(header);
      enqueue(bytes);
    }
  }

  /** Several messages in one write. */
  void send(List<Buffer> payloads) {
    ByteBuf bytes = ctx.alloc().directBuffer(wireSize(payloads));
    payloads.forEach(payload -> appendTo(bytes, payload));
    enqueue(bytes);
  }

  io.netty.buffer.ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  io.netty.util.concurrent.EventExecutor executor() {
    return ctx.executor();
  }

  /** A buffer to gather several messages in (a lazy sender's batch). */
  ByteBuf allocBatch(int initialCapacity) {
    return ctx.alloc().directBuffer(initialCapacity);
  }

  /** Appends one message to a batch, with its header when framed. */
  void appendTo(ByteBuf batch, Buffer payload) {
    ByteBuf view = VertxBuffers.view(payload);
    messagesOut++;
    bytesOut += view.readableBytes();
    if (headers()) {
      batch.writeLongLE(view.readableBytes());
    }
    batch.writeBytes(view, view.readerIndex(), view.readableBytes());
  }

  /** A message of {@code payloadBytes} went (or starts going) out through a lazy or streamed sender. */
  void countSent(long messages, long payloadBytes) {
    messagesOut += messages;
    bytesOut += payloadBytes;
  }

  /** Messages sent so far (streamed ones count when they start); event loop only. */
  long messagesOut() {
    return messagesOut;
  }

  /** Payload bytes sent so far; event loop only. */
  long bytesOut() {
    return bytesOut;
  }

  /** The bytes of {@code payload} as a reference Netty may write and release. */
  ByteBuf owned(Buffer payload) {
    return owner.ownedBytes(VertxBuffers.view(payload));
  }

  /** Bytes {@code payloads} take on the wire, framed or not. */
  int wireSize(List<Buffer> payloads) {
    long n = 0;
    for (Buffer payload : payloads) {
      n += (headers() ? Frames.HEADER_SIZE : 0) + payload.length();
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("messages of " + n + " bytes in all cannot go in one write; send them one by one");
    }
    return (int) n;
  }

  /** Wire size of one message. */
  long wireSize(Buffer payload) {
    return (headers() ? Frames.HEADER_SIZE : 0) + (long) payload.length();
  }

  /** A whole frame built elsewhere (OK, ERR, a keyword): written now or behind the backlog. */
  void sendFrame(ByteBuf frame) {
    enqueue(frame);
  }

  // Takes over {@code bytes}: written now, or held in the backlog (and released if dropped).
  private void enqueue(ByteBuf bytes) {
    if (backlog.isEmpty()) {
      write(bytes);
    } else {
      backlog.addWrite(bytes);
    }
  }

  /** The lazy and streamed senders waiting behind the socket, and what waits behind them. */
  Backlog backlog() {
    return backlog;
  }

  /** Writes {@code bytes} (a reference of our own: Netty releases it) ahead of the backlog. */
  void write(ByteBuf bytes) {
    write((Object) bytes);
  }

  private void write(Object message) {
    ctx.write(message, ctx.voidPromise());
    completion.wrote();
    unflushed = true;
    if (!reading && batchDepth == 0) {
      flush();
    }
  }

  void flush() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    ctx.flush();
    if (tracksCompletion()) {
      completion.check();
    }
    reportQueued();
  }

  /** Flushes now and tracks completion even if nothing new was written (for a drain wait or a close after flush). */
  void flushTracked() {
    unflushed = false;
    ctx.flush();
    completion.check();
    reportQueued();
  }

  private void reportQueued() {
    if (reporter != null) {
      reporter.report();
    }
  }

  private boolean tracksCompletion() {
    return owner.wantsOutputEmpty() || !backlog.isEmpty();
  }

  /** Whether everything written so far reached the kernel and nothing waits in the backlog. */
  boolean isIdle() {
    return completion.caughtUp() && backlog.isEmpty() && !unflushed;
  }

  /** Bytes queued and not yet taken by the kernel: Netty's pending bytes plus the backlog's buffered ones. */
  long queuedBytes() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return (out == null ? 0 : out.totalPendingWriteBytes()) + backlog.bufferedBytes();
  }

  /** Whether the socket's write queue is above its high-water mark or a sender waits in the backlog. */
  boolean isFull() {
    return !ctx.channel().isWritable() || !backlog.isEmpty();
  }

  boolean isWritable() {
    return ctx.channel().isWritable();
  }

  /** The backlog moved as far as it could: the output may have emptied. */
  void backlogMoved() {
    if (isIdle() && owner.isOpen()) {
      emptyReport.schedule(ctx.executor());
    }
  }

  String describe() {
    return owner.describe();
  }

  // ---- closing (see CloseSequence) ------------------------------------------------------

  /** Closes once what was written so far reached the kernel: a FIN, then the peer's end or a linger. */
  void closeAfterWrites() {
    unflushed = false;
    closer.afterWrites();
  }

  /** The peer ended its side while a close of ours may be under way. */
  void peerEnded() {
    closer.peerEnded();
  }

  /** Closes at once, dropping what the kernel still holds (RST). */
  void closeNow() {
    closer.now();
  }
}
