package io.asockio.gate;

import io.asockio.codec.Bytes;
import io.asockio.codec.FrameDecoder;
import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.asockio.registry.ClientKind;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.asockio.security.AccessRules;
import io.asockio.security.Cidr;
import io.asockio.security.Peer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.streams.ReadStream;

import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One socket and its state machine, confined to the socket's event loop:
 *
 * <pre>
 *  accepted, framed: HANDSHAKE --keyword admitted, "OK" sent--> OPEN --close/EOF--> CLOSED
 *                        \--refused ("ERR reason"), timeout, oversized keyword--> CLOSED
 *  dialled,  framed: HANDSHAKE --keyword sent, "OK" received--> OPEN ...
 *                        \--"ERR reason", other answer, close--> CLOSED (refusal reported)
 *  raw:              OPEN (anonymous, or the link's name) --close/EOF--> CLOSED
 * </pre>
 *
 * Accepted and dialled connections are the same object after the handshake. Other threads
 * reach a connection only through its thread-safe methods ({@link #send}, {@link #sendAll},
 * {@link #close}, {@link #closeNow}, {@link #closeAfterFlush}, {@link #switchToRaw}), which hop
 * onto its event loop.
 *
 * <p>Output: bytes handed to the socket are counted until their write completes (this covers
 * Vert.x's outbound queue as well as Netty's). A send that would take the count beyond
 * {@code limits.maxQueuedOutputBytes} fails with {@code OUTPUT_FULL}. Iterators given to
 * {@link #sendAll(Iterator)} are pulled only while the socket is writable, so a generator
 * of a million messages never sits in memory at once.
 */
public final class Connection {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  /** Messages pulled from an iterator are written in batches of about this size. */
  static final int PUMP_BATCH_BYTES = 64 * 1024;

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

  private final GateServices services;
  private final GateConfig gate;
  private final int instance;
  private final NetSocketInternal socket;
  private final ContextInternal context;
  private final Limits limits;
  private final String remoteAddress;
  private final FrameDecoder decoder;

  private State state;
  private boolean framedOutput;
  private ClientRecord<Connection> client;
  private ConnectionHandler handler;
  private long handshakeTimer = -1;
  private String closeCause;

  // Dialled connections only: the name to bind on OK, whom to tell, and whether the handshake was reported.
  private String dialledName;
  private DialOutcome dialOutcome;
  private boolean dialReported;

  // Output goes straight to the Netty channel (one flush per read, or at once outside a read):
  // Vert.x's per-write promise and queue would cost more than the rest of the data path.
  // backlogBytes: framed bytes waiting in the backlog; Netty counts what it holds itself.
  // framed bytes waiting in the backlog. The backlog holds Buffers (already framed) and
  // Producers; it is non-empty only while a producer is in front.
  private long backlogBytes;
  private final io.netty.channel.ChannelHandlerContext chctx;
  private boolean delivering;
  private boolean unflushed;
  private boolean emptyScheduled;
  private long writeSeq;
  private long completedSeq;
  private boolean wantsDrained;
  // Whether the handler takes borrowed read buffers (ConnectionHandler.readsInPlace).
  private boolean readsInPlace;
  private boolean resumeOnEmpty;
  private final ArrayDeque<Object> backlog = new ArrayDeque<>();
  private boolean closeAfterFlush;

  // Input flow: reading pauses while the application asks for it or a streamed message waits for demand.
  private boolean pausedByApp;
  private boolean pausedByStream;
  private MessageStream activeStream;

  /** A message sent from a stream: header first, then the body piped with back-pressure. */
  private final class StreamSend {
    final ReadStream<Buffer> source;
    final long length;
    final Promise<Void> done;
    long sent;
    boolean started;
    boolean paused;

    StreamSend(ReadStream<Buffer> source, long length, Promise<Void> done) {
      this.source = source;
      this.length = length;
      this.done = done;
    }

    void start() {
      started = true;
      write(FrameEncoder.header(length));
      source.exceptionHandler(err -> onLoop(() -> abort("the source failed: " + err.getMessage())));
      source.endHandler(v -> onLoop(this::onEnd));
      source.handler(chunk -> onLoop(() -> onChunk(chunk)));
      source.resume();
    }

    private void onChunk(Buffer chunk) {
      if (backlog.peek() != this || state != State.OPEN) {
        return;
      }
      sent += chunk.length();
      if (Long.compareUnsigned(sent, length) > 0) {
        abort("the source ran over the declared length of " + Frames.unsigned(length) + " bytes");
        return;
      }
      write(chunk);
      if (!chctx.channel().isWritable() && !paused) {
        paused = true;
        source.pause();
      }
    }

    private void onEnd() {
      if (backlog.peek() != this || state != State.OPEN) {
        return;
      }
      if (sent != length) {
        abort("the source ended after " + Frames.unsigned(sent) + " of " + Frames.unsigned(length) + " bytes");
        return;
      }
      backlog.poll();
      done.tryComplete();
      pump();
    }

    // The peer is mid-frame: the connection cannot be reused.
    private void abort(String reason) {
      if (backlog.peek() == this) {
        backlog.poll();
      }
      done.tryFail(new SendException(SendException.Reason.NOT_CONNECTED, "streamed send to " + name() + " failed: "
          + reason + "; connection closed"));
      LOG.warning(() -> "closing " + describe() + ": streamed send failed: " + reason);
      services.count("closed.stream send failed");
      closeNow("streamed send failed: " + reason);
    }
  }

  private static final class Producer {
    final Iterator<Buffer> source;
    final Promise<Void> done;

    Producer(Iterator<Buffer> source, Promise<Void> done) {
      this.source = source;
      this.done = done;
    }
  }

  // Accepted connections: the gate's bounds, the peer's facts for access rules, idle tracking.
  private GateGuard guard;
  private boolean admitted;
  private boolean pendingHandshake;
  private final String addressKey;
  private final byte[] addressBytes;
  private String certificateCn;
  private List<String> certificateSans = List.of();
  private final Set<Connection> live;
  private long lastActivity = System.nanoTime();

  Connection(GateServices services, GateConfig gate, int instance, NetSocketInternal socket, ContextInternal context) {
    this(services, gate, instance, socket, context, null);
  }

  Connection(GateServices services, GateConfig gate, int instance, NetSocketInternal socket, ContextInternal context,
             Set<Connection> live) {
    this.live = live;
    this.services = services;
    this.gate = gate;
    this.instance = instance;
    this.socket = socket;
    this.context = context;
    this.limits = services.config().limits();
    this.remoteAddress = String.valueOf(socket.remoteAddress());
    this.chctx = socket.channelHandlerContext();
    io.vertx.core.net.SocketAddress remote = socket.remoteAddress();
    this.addressKey = remote == null || remote.isDomainSocket() ? null : remote.hostAddress();
    this.addressBytes = addressKey == null ? null : Cidr.numeric(addressKey);
    this.framedOutput = gate.mode() == GateConfig.Mode.FRAMED;
    this.decoder = framedOutput ? new FrameDecoder(limits.maxKeywordLength(), new Decoding()) : null;
  }

  /** Accepted socket: installs the handlers; must run on the socket's context, in its connect callback. */
  void start() {
    guard = services.guard(gate);
    String overLimit = guard.tryAccept(addressKey, decoder != null);
    if (overLimit != null) {
      // Refused before any other work: a flood costs one check and one close per connection.
      state = State.CLOSED;
      services.count("refused." + overLimit);
      services.logRefusal(overLimit, () -> "refused " + describe() + ": " + overLimit);
      if (decoder != null) {
        socket.end(FrameEncoder.refusal(overLimit));
      } else {
        socket.close();
      }
      return;
    }
    admitted = true;
    pendingHandshake = decoder != null;
    readPeerCertificate();
    installSocketHandlers();
    if (live != null) {
      live.add(this);
    }
    if (decoder == null) {
      AccessRules.Decision decision = services.access().decide(peer(null));
      if (!decision.allowed()) {
        deny(null, decision);
        socket.close();
        return;
      }
      client = services.registry().anonymous(this);
      open();
    } else {
      startHandshakeTimer();
    }
    socket.messageHandler(this::onRead);
  }

  private void readPeerCertificate() {
    if (!socket.isSsl()) {
      return;
    }
    try {
      List<java.security.cert.Certificate> chain = socket.peerCertificates();
      if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate) {
        X509Certificate cert = (X509Certificate) chain.get(0);
        certificateCn = Certificates.commonName(cert);
        certificateSans = Certificates.subjectAlternativeNames(cert);
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
      // no client certificate: rules asking for one do not match
    }
  }

  private Peer peer(String keyword) {
    return new Peer(keyword, gate.transportName(), gate.name(), addressBytes, certificateCn, certificateSans);
  }

  private void deny(String keyword, AccessRules.Decision decision) {
    services.count("denied." + decision.rule());
    LOG.info(() -> "access denied to " + (keyword == null ? "anonymous peer" : "\"" + Keywords.printable(keyword) + "\"")
        + " from " + remoteAddress + " via gate " + gate.name() + " by " + decision.rule()
        + (certificateCn != null ? " (certificate CN " + Keywords.printable(certificateCn) + ")" : ""));
  }

  private void endHandshake() {
    if (pendingHandshake) {
      pendingHandshake = false;
      guard.handshakeDone();
    }
  }

  /** Closes the connection when nothing went in or out for {@code idleNanos}; called by its gate instance. */
  void checkIdle(long now, long idleNanos) {
    if (state != State.CLOSED && now - lastActivity > idleNanos) {
      services.count("closed.idle timeout");
      LOG.fine(() -> "closing " + describe() + ": idle");
      if (state == State.HANDSHAKE && decoder != null) {
        refuse("idle timeout");
      } else {
        closeHere("idle timeout");
      }
    }
  }

  /** The peer's verified client certificate CN, or null. */
  public String certificateCn() {
    return certificateCn;
  }

  /**
   * Dialled socket (client role): sends {@code keyword} (framed links) and waits for the
   * answer; binds the connection to {@code name} in the registry once open. Must run on the
   * socket's context, in its connect callback.
   */
  public static Connection dialled(GateServices services, GateConfig link, NetSocketInternal socket,
                                   ContextInternal context, String name, Buffer keyword, DialOutcome outcome) {
    Connection c = new Connection(services, link, 0, socket, context);
    c.dialledName = name;
    c.dialOutcome = outcome;
    c.installSocketHandlers();
    c.socket.messageHandler(c::onRead);
    if (c.decoder == null) {
      c.bindDialled();
    } else {
      c.startHandshakeTimer();
      c.socket.write(FrameEncoder.frame(keyword));
    }
    return c;
  }

  private void installSocketHandlers() {
    state = State.HANDSHAKE;
    // Our writes bypass Vert.x's queue, so Vert.x's drain handler is not ours to rely on:
    // hear Netty's writability changes directly.
    chctx.pipeline().addFirst("asockio-writability", new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(io.netty.channel.ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
          onLoop(Connection.this::pump);
        }
        ctx.fireChannelWritabilityChanged();
      }
    });
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(err -> {
      if (closeCause == null) {
        closeCause = "socket error: " + err.getMessage();
      }
    });
  }

  private void startHandshakeTimer() {
    handshakeTimer = context.owner().setTimer(limits.handshakeTimeoutMs(), id -> {
      handshakeTimer = -1;
      if (state == State.HANDSHAKE) {
        if (dialledName != null) {
          failDial("no answer to the keyword within " + limits.handshakeTimeoutMs() + " ms");
        } else {
          refuse("handshake timeout");
        }
      }
    });
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
    return remoteAddress;
  }

  public State state() {
    return state;
  }

  /** Whether messages are framed (false on raw gates and after {@link #switchToRaw()}). */
  public boolean isFramed() {
    return framedOutput;
  }

  /** The event-loop context that owns this connection. */
  public ContextInternal context() {
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

  /** Queues several messages in order, as one write; all or none are queued. Thread-safe. */
  public Future<Void> send(List<Buffer> payloads) {
    Promise<Void> promise = context.promise();
    onLoop(() -> {
      SendException refused = offerAll(payloads);
      if (refused == null) {
        promise.complete();
      } else {
        promise.fail(refused);
      }
    });
    return promise.future();
  }

  /**
   * Sends the messages of {@code source} in order, pulling the next one only while the
   * socket is writable. The future completes when the iterator is exhausted and every
   * message was queued; it fails when the connection closes first or the iterator throws.
   * Messages sent later by other means go out after these. Thread-safe; the iterator is
   * only touched on the connection's event loop.
   */
  public Future<Void> sendAll(Iterator<Buffer> source) {
    Promise<Void> promise = context.promise();
    onLoop(() -> {
      if (state != State.OPEN || closeAfterFlush) {
        promise.fail(notConnected());
        return;
      }
      backlog.add(new Producer(source, promise));
      pump();
    });
    return promise.future();
  }

  /** On the event loop: queues the message, or says why not. */
  SendException offer(Buffer payload) {
    if (state != State.OPEN || closeAfterFlush) {
      return notConnected();
    }
    long size = framedOutput ? Frames.HEADER_SIZE + (long) payload.length() : payload.length();
    SendException full = checkRoom(size);
    if (full != null) {
      return full;
    }
    enqueue(framedOutput ? FrameEncoder.frameOwned(payload, chctx.alloc()) : Bytes.owned(payload));
    return null;
  }

  private SendException offerAll(List<Buffer> payloads) {
    if (state != State.OPEN || closeAfterFlush) {
      return notConnected();
    }
    Buffer bytes;
    if (framedOutput) {
      bytes = FrameEncoder.frames(payloads);
    } else {
      bytes = Buffer.buffer();
      payloads.forEach(bytes::appendBuffer);
    }
    SendException full = checkRoom(bytes.length());
    if (full != null) {
      return full;
    }
    enqueue(Bytes.owned(bytes));
    return null;
  }

  // Takes over {@code bytes}: written now, or held in the backlog (and released if dropped).
  private void enqueue(io.netty.buffer.ByteBuf bytes) {
    if (backlog.isEmpty()) {
      write(bytes);
    } else {
      backlogBytes += bytes.readableBytes();
      backlog.add(bytes);
    }
  }

  private void write(Buffer bytes) {
    write(Bytes.owned(bytes));
  }

  // Netty releases what it wrote: {@code bytes} must be a reference of our own (Bytes.owned).
  private void write(io.netty.buffer.ByteBuf bytes) {
    chctx.write(bytes, chctx.voidPromise());
    writeSeq++;
    unflushed = true;
    if (!delivering) {
      flush();
    }
  }

  // One flush per delivery. When someone needs to know that the output emptied, an empty write
  // behind the data tells when all of it reached the kernel; otherwise that costs nothing.
  private void flush() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    if (tracksCompletion()) {
      trackCompletion();
    }
    chctx.flush();
    if (live != null) {
      lastActivity = System.nanoTime();
    }
  }

  private boolean tracksCompletion() {
    return wantsDrained || closeAfterFlush || resumeOnEmpty || !backlog.isEmpty();
  }

  private void trackCompletion() {
    long seq = writeSeq;
    io.netty.channel.ChannelPromise done = chctx.newPromise();
    done.addListener(f -> {
      completedSeq = Math.max(completedSeq, seq);
      if (outputIdle()) {
        scheduleOutputEmpty();
      }
    });
    chctx.write(io.netty.buffer.Unpooled.EMPTY_BUFFER, done);
  }

  /** Whether everything written so far reached the kernel and nothing waits in the backlog. */
  private boolean outputIdle() {
    return completedSeq == writeSeq && backlog.isEmpty() && !unflushed;
  }

  // Deferred to its own task: a handler that sends from onDrained must not recurse without end.
  private void scheduleOutputEmpty() {
    if (!emptyScheduled) {
      emptyScheduled = true;
      context.runOnContext(v -> {
        emptyScheduled = false;
        if (outputIdle() && state == State.OPEN) {
          onOutputEmpty();
        }
      });
    }
  }

  private long nettyPendingBytes() {
    io.netty.channel.ChannelOutboundBuffer out = chctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  // Every read, straight from Netty's pooled buffer (no Vert.x copy): to the decoder (framed) or
  // the handler (raw); what the handler writes is flushed once. The read is ours to release:
  // what outlives this call was retained or copied on the way.
  private void onRead(Object message) {
    if (!(message instanceof io.netty.buffer.ByteBuf)) {
      io.netty.util.ReferenceCountUtil.release(message);
      return;
    }
    io.netty.buffer.ByteBuf read = (io.netty.buffer.ByteBuf) message;
    if (state == State.CLOSED) {
      // Reads Vert.x held while we were paused, handed over by onClosed() to be freed.
      read.release();
      return;
    }
    if (live != null) {
      lastActivity = System.nanoTime();
    }
    delivering = true;
    try {
      Buffer data = Bytes.wrap(read);
      if (decoder == null) {
        onRawData(data);
      } else {
        decoder.feed(data);
      }
    } finally {
      read.release();
      delivering = false;
      flush();
    }
  }

  /** Runs a delivery to the handler; what it writes is flushed once, when it returns. */
  private void deliver(Runnable delivery) {
    if (delivering) {
      delivery.run();
      return;
    }
    delivering = true;
    try {
      delivery.run();
    } finally {
      delivering = false;
      flush();
    }
  }

  /**
   * Sends one message whose body comes from {@code source}: the 8-byte header with
   * {@code length} (unsigned, up to 2^64-1), then the body, piped with back-pressure. Other
   * messages queue behind it. A source that ends short of {@code length}, runs over it or
   * fails fails the send and closes the connection (the peer would be left mid-frame).
   * Framed connections only. Thread-safe.
   */
  public Future<Void> sendStream(ReadStream<Buffer> source, long length) {
    Promise<Void> promise = context.promise();
    source.pause();
    onLoop(() -> {
      if (state != State.OPEN || closeAfterFlush) {
        promise.fail(notConnected());
        return;
      }
      if (!framedOutput) {
        promise.fail(new IllegalStateException("sendStream needs a framed connection; on a raw one pipe the bytes with send"));
        return;
      }
      backlog.add(new StreamSend(source, length, promise));
      pump();
    });
    return promise.future();
  }

  // Moves the backlog to the socket while it is writable; called on drain and on new producers.
  private void pump() {
    while (!backlog.isEmpty() && chctx.channel().isWritable() && state == State.OPEN) {
      Object head = backlog.peek();
      if (head instanceof StreamSend) {
        StreamSend send = (StreamSend) head;
        if (!send.started) {
          send.start();
        } else if (send.paused) {
          send.paused = false;
          send.source.resume();
        }
        return; // the stream drives itself; everything else waits behind it
      }
      if (head instanceof io.netty.buffer.ByteBuf) {
        backlog.poll();
        backlogBytes -= ((io.netty.buffer.ByteBuf) head).readableBytes();
        write((io.netty.buffer.ByteBuf) head);
        continue;
      }
      Producer producer = (Producer) head;
      // Small messages are coalesced into one write of up to PUMP_BATCH_BYTES.
      Buffer batch = null;
      try {
        while (producer.source.hasNext()) {
          Buffer next = producer.source.next();
          if (batch == null) {
            batch = Buffer.buffer(Math.min(PUMP_BATCH_BYTES, next.length() + 8) + 16);
          }
          if (framedOutput) {
            batch.appendLongLE(next.length());
          }
          batch.appendBuffer(next);
          if (batch.length() >= PUMP_BATCH_BYTES) {
            break;
          }
        }
        if (batch == null) {
          backlog.poll();
          producer.done.tryComplete();
          continue;
        }
      } catch (RuntimeException e) {
        backlog.poll();
        LOG.log(Level.WARNING, "message source for " + describe() + " failed; the rest of it is dropped", e);
        producer.done.tryFail(e);
        if (batch != null) {
          write(batch);
        }
        continue;
      }
      write(batch);
    }
    if (outputIdle() && state == State.OPEN) {
      scheduleOutputEmpty();
    }
  }

  private void onOutputEmpty() {
    if (resumeOnEmpty) {
      resumeOnEmpty = false;
      pausedByApp = false;
      updateReading();
    }
    if (closeAfterFlush) {
      closeHere("closed after flush");
    } else if (state == State.OPEN) {
      guarded(() -> handler.onDrained(this));
    }
  }

  private SendException notConnected() {
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + name() + " is not connected");
  }

  private SendException checkRoom(long bytes) {
    // An empty queue takes any one message, so a message up to maxMessageSize can always go.
    long queuedBytes = queuedOutputBytes();
    if (queuedBytes > 0 && queuedBytes + bytes > limits.maxQueuedOutputBytes()) {
      services.count("send.output full");
      return new SendException(SendException.Reason.OUTPUT_FULL, "client " + name() + " has " + queuedBytes
          + " bytes of output queued; " + bytes + " more would exceed limits.maxQueuedOutputBytes ("
          + limits.maxQueuedOutputBytes() + ")");
    }
    return null;
  }

  /** Bytes queued for this client and not yet taken by the kernel. Event loop only. */
  public long queuedOutputBytes() {
    return nettyPendingBytes() + backlogBytes;
  }

  /** Whether the socket's write queue is above its high-water mark (time to stop producing). Event loop only. */
  public boolean isOutputFull() {
    return !chctx.channel().isWritable() || !backlog.isEmpty();
  }

  // ---- input flow -------------------------------------------------------------------------

  /**
   * Stops reading (back-pressure towards the peer): no message is delivered after this call
   * returns (the rest of the current read is held) until {@link #resumeReading()}. Thread-safe.
   */
  public void pauseReading() {
    onLoop(() -> {
      pausedByApp = true;
      updateReading();
    });
  }

  /**
   * Pauses reading until everything queued so far reached the kernel, then reads again: the
   * simplest back-pressure for a handler that answers what it reads. Thread-safe.
   */
  public void pauseReadingUntilDrained() {
    onLoop(() -> {
      pausedByApp = true;
      resumeOnEmpty = true;
      updateReading();
      if (!unflushed) {
        trackCompletion();
        chctx.flush();
      }
    });
  }

  /** Reads again after {@link #pauseReading()}. Thread-safe. */
  public void resumeReading() {
    onLoop(() -> {
      pausedByApp = false;
      updateReading();
    });
  }

  private boolean socketPaused;

  // Paused means: no more callbacks (the decoder holds the rest of the current read) and no more reads.
  private void updateReading() {
    if (decoder != null) {
      if (pausedByApp || pausedByStream) {
        decoder.suspend();
      } else if (decoder.isSuspended() && state == State.OPEN) {
        deliver(decoder::resume);
      }
    }
    // Decided after the held input was delivered: its handler may have paused again.
    boolean pause = pausedByApp || pausedByStream;
    if (pause != socketPaused && state != State.CLOSED) {
      socketPaused = pause;
      if (pause) {
        socket.pause();
      } else {
        socket.resume();
      }
    }
  }

  /** Whether reading from the socket is paused (by the application, a stream's demand or a drain wait). Event loop only. */
  public boolean isReadingPaused() {
    return socketPaused;
  }

  /** Bytes received but not delivered yet, held by the decoder while reading is paused. Event loop only. */
  public long heldInputBytes() {
    return decoder == null ? 0 : decoder.heldBytes();
  }

  /** Called by a {@link MessageStream} after each delivery: holds the decoder while it waits for demand. */
  void streamProgress(MessageStream stream) {
    if (stream != activeStream) {
      return;
    }
    if (stream.isFinished()) {
      activeStream = null;
    }
    boolean blocked = activeStream != null && stream.blocked();
    if (blocked != pausedByStream || blocked) {
      pausedByStream = blocked;
      updateReading();
    } else if (decoder.isSuspended() && !pausedByApp && state == State.OPEN) {
      deliver(decoder::resume);
    }
  }

  /**
   * Stops framing, in both directions: from now on bytes are delivered as they come and
   * sends go out as they are. Bytes already received but not yet delivered as a frame are
   * delivered raw. Thread-safe; a no-op on raw connections.
   */
  public void switchToRaw() {
    onLoop(() -> {
      if (decoder == null || decoder.isRaw() || state != State.OPEN) {
        return;
      }
      framedOutput = false;
      decoder.switchToRaw(this::onRawData);
    });
  }

  // ---- closing ----------------------------------------------------------------------------

  /** Closes the connection; output queued on the socket is still flushed. Thread-safe. */
  public void close(String reason) {
    onLoop(() -> closeHere(reason));
  }

  /** Closes at once and drops the output not yet written. Thread-safe. */
  public void closeNow(String reason) {
    onLoop(() -> {
      if (state == State.CLOSED) {
        return;
      }
      if (closeCause == null) {
        closeCause = reason;
      }
      failBacklog();
      if (decoder != null) {
        decoder.stop();
      }
      // Vert.x's own close waits for pending writes; closing from its handler's context goes
      // straight to the transport, and SO_LINGER 0 drops what the kernel still holds (RST).
      io.netty.channel.ChannelHandlerContext ctx = socket.channelHandlerContext();
      ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
      ctx.close();
    });
  }

  /**
   * Refuses new sends, lets everything already queued (including iterators in progress) go
   * out, then closes. Thread-safe.
   */
  public void closeAfterFlush() {
    onLoop(() -> {
      if (state == State.CLOSED) {
        return;
      }
      closeAfterFlush = true;
      if (state == State.OPEN && !outputIdle() && !unflushed) {
        trackCompletion(); // completions may not have been tracked so far
        chctx.flush();
      }
      if (state != State.OPEN || outputIdle()) {
        closeHere("closed after flush");
      }
    });
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

  private void failBacklog() {
    while (!backlog.isEmpty()) {
      Object item = backlog.poll();
      if (item instanceof io.netty.buffer.ByteBuf) {
        ((io.netty.buffer.ByteBuf) item).release();
      } else if (item instanceof Producer) {
        ((Producer) item).done.tryFail(notConnected());
      } else if (item instanceof StreamSend) {
        ((StreamSend) item).done.tryFail(notConnected());
      }
    }
  }

  private void onLoop(Runnable action) {
    if (context.inThread()) {
      action.run();
    } else {
      context.execute(action);
    }
  }

  // ---- handshake and delivery -------------------------------------------------------------

  private final class Decoding implements FrameDecoder.Listener {

    @Override
    public void onMessage(Buffer payload) {
      if (state == State.OPEN) {
        toHandler(payload);
      } else if (state == State.HANDSHAKE) {
        if (dialledName != null) {
          onAnswer(payload);
        } else {
          onKeyword(payload);
        }
      }
    }

    @Override
    public boolean onOversizedFrame(long length) {
      if (state == State.HANDSHAKE) {
        if (dialledName != null) {
          failDial("answer too long (" + Frames.unsigned(length) + " bytes)");
        } else {
          refuse("keyword too long");
        }
      } else if (state == State.OPEN) {
        if (handler.streamThreshold() >= 0) {
          MessageStream stream = new MessageStream(Connection.this, length);
          activeStream = stream;
          services.count("streams.received");
          guarded(() -> handler.onStream(Connection.this, stream));
          return state == State.OPEN;
        }
        LOG.warning(() -> "closing " + describe() + ": a message of " + Frames.unsigned(length)
            + " bytes exceeds limits.maxMessageSize (" + limits.maxMessageSize() + ")");
        services.count("closed.message too long");
        closeHere("message too long");
      }
      return false;
    }

    @Override
    public void onFrameChunk(Buffer chunk) {
      if (activeStream != null) {
        activeStream.push(Bytes.heapCopy(chunk)); // stream consumers queue chunks: they get their own
      }
    }

    @Override
    public void onFrameEnd() {
      if (activeStream != null) {
        activeStream.pushEnd();
      }
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
    AccessRules.Decision decision = services.access().decide(peer(name));
    if (!decision.allowed()) {
      deny(name, decision);
      refuse(decision.reason());
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
    endHandshake();
    client = admission.record();
    socket.write(FrameEncoder.frame(Frames.OK));
    if (admission.replaced() != null) {
      services.count("takeover");
      LOG.info(() -> "taken over by " + describe());
      admission.replaced().close("taken over by a new connection");
      observe(() -> services.observer().takenOver(this, admission.replaced()));
    }
    open();
  }

  private void onAnswer(Buffer answer) {
    if (Frames.isOk(answer)) {
      cancelHandshakeTimer();
      bindDialled();
      return;
    }
    String reason = Frames.refusalReason(answer);
    failDial(reason != null ? reason : "unexpected answer to the keyword (" + answer.length() + " bytes, not OK)");
  }

  private void bindDialled() {
    ClientRegistry.Admission<Connection> admission = services.registry().admit(dialledName, this, true, true);
    client = admission.record();
    if (admission.replaced() != null) {
      admission.replaced().close("replaced by a new outgoing connection");
    }
    open();
    if (state == State.OPEN) {
      dialReported = true;
      dialOutcome.opened(this);
    }
  }

  private void failDial(String reason) {
    cancelHandshakeTimer();
    closeCause = "refused: " + reason;
    decoder.stop();
    socket.close();
    if (!dialReported) {
      dialReported = true;
      dialOutcome.refused(this, reason);
    }
  }

  private void open() {
    state = State.OPEN;
    services.count("opened");
    handler = services.handlerFor(client, gate);
    wantsDrained = handler.wantsDrained();
    readsInPlace = handler.readsInPlace();
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

  private void onRawData(Buffer chunk) {
    if (state == State.OPEN) {
      toHandler(chunk);
    }
  }

  // A message or raw chunk borrowed from a read: lent as is to a handler that reads in place, copied otherwise.
  private void toHandler(Buffer borrowed) {
    Buffer delivered = readsInPlace ? borrowed : Bytes.heapCopy(borrowed);
    guarded(() -> handler.onMessage(this, delivered));
  }

  private void refuse(String reason) {
    if (state != State.HANDSHAKE) {
      return;
    }
    cancelHandshakeTimer();
    endHandshake();
    services.count("refused." + reason);
    services.logRefusal(reason, () -> "refused " + describe() + ": " + reason);
    observe(() -> services.observer().refused(this, reason));
    closeCause = "refused: " + reason;
    decoder.stop();
    socket.end(FrameEncoder.refusal(reason));
  }

  private void onClosed() {
    State was = state;
    state = State.CLOSED;
    if (admitted) {
      admitted = false;
      endHandshake();
      guard.release(addressKey);
      if (live != null) {
        live.remove(this);
      }
    }
    cancelHandshakeTimer();
    if (decoder != null) {
      decoder.stop();
    }
    if (socketPaused) {
      // While paused, Vert.x queues pooled reads and does not free them when the channel
      // closes: resuming hands them to onRead(), which frees them now that we are CLOSED.
      socketPaused = false;
      socket.resume();
    }
    failBacklog();
    String cause = closeCause == null ? "closed by peer" : closeCause;
    if (activeStream != null) {
      MessageStream stream = activeStream;
      activeStream = null;
      try {
        stream.fail("connection lost (" + cause + ")");
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stream handler of " + describe() + " failed", e);
      }
    }
    if (dialledName != null && !dialReported) {
      dialReported = true;
      dialOutcome.refused(this, "closed by the server before answering");
    }
    if (client != null) {
      services.registry().release(client, this);
    }
    if (was == State.OPEN) {
      observe(() -> services.observer().closed(this, cause));
    }
    if (was == State.OPEN && handler != null) {
      services.count("closed");
      try {
        handler.onClosed(this, cause);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "handler of " + describe() + " failed in onClosed", e);
      }
    }
    if (dialledName != null && was == State.OPEN) {
      dialOutcome.lost(this, cause);
    }
  }

  private void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "connection observer failed for " + describe(), e);
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
    return who + (dialledName != null ? " via link " : " via gate ") + gate.name()
        + " from " + remoteAddress;
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Used by {@link GateServices#flushOffline}: writes queued-while-offline messages first. */
  void sendOffline(List<Buffer> messages) {
    if (!messages.isEmpty()) {
      enqueue(Bytes.owned(framedOutput ? FrameEncoder.frames(messages) : concat(messages)));
    }
  }

  private static Buffer concat(List<Buffer> parts) {
    Buffer out = Buffer.buffer();
    parts.forEach(out::appendBuffer);
    return out;
  }

}
