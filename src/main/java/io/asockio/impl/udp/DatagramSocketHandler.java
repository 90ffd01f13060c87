package io.asockio.impl.udp;

import io.asockio.codec.Frames;
import io.asockio.impl.channel.ChannelConnection;
import io.asockio.impl.channel.ChannelEnd;
import io.asockio.impl.core.Counters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The handler of one UDP socket: it knows the socket's peers by address, each a
 * {@link DatagramPeerChannel} with its own pipeline, and moves datagrams between them.
 *
 * <pre>
 *  datagram from A ─► larger than maxDatagramSize: dropped (counted)
 *                  ─► A unknown: a new peer (the gate's admission builds its pipeline; a dialled socket drops it)
 *                  ─► A open, framed, the datagram is A's keyword: its OK was lost, "OK" again (not a message)
 *                  ─► A paused its reading: dropped (counted; a shared socket cannot wait for one peer)
 *                  ─► into A's pipeline; at the end of the socket's read loop each peer that read flushes once
 * </pre>
 *
 * Idleness is swept here rather than by an {@code IdleStateHandler} per peer (which costs a
 * promise and a listener per write): a datagram clears its peer's count of silent sweeps; a
 * sweep every quarter of {@code idleTimeoutMs} counts, and a peer silent for the whole timeout
 * gets Netty's {@code IdleStateEvent} (closed within a quarter more than the timeout).
 *
 * Event loop only.
 */
public final class DatagramSocketHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = Logger.getLogger(DatagramSocketHandler.class.getName());

  static final String TOO_LARGE = "udp.datagram too large";
  static final String DROPPED_PAUSED = "udp.dropped while paused";
  static final String ANSWER_WITHHELD = "udp.answer withheld";
  static final String REHANDSHAKE = "udp.keyword repeated";

  /** Builds the pipeline of a new peer whose first datagram came; null: the datagram is dropped. */
  public interface Admission {
    ChannelConnection admit(DatagramPeerChannel peer);
  }

  private static final class Peer {
    final DatagramPeerChannel channel;
    ChannelConnection connection;
    byte[] keyword; // framed: its first datagram, to recognise a repeated handshake
    boolean readThisLoop;
    int silentSweeps;

    Peer(DatagramPeerChannel channel) {
      this.channel = channel;
    }
  }

  private final DatagramChannel channel;
  private final boolean framed;
  private final int maxDatagramSize;
  private final int maxKeywordLength;
  private final long idleTimeoutMs;
  private final Counters counters;
  private final Admission admission; // null: a dialled socket, whose one peer is made by dial()
  private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
  private final List<Peer> readThisLoop = new ArrayList<>();
  private final Set<DatagramPeerChannel> waitingToWrite = new LinkedHashSet<>();
  private final java.util.function.BooleanSupplier writable;
  private ChannelHandlerContext ctx;
  private boolean reading; // inside the socket's read loop: its end flushes once for every peer
  private boolean connected;
  private Promise<Void> emptied;

  /**
   * @param idleTimeoutMs a peer that sent nothing for this long is told it is idle (0: never)
   * @param admission     builds the pipeline of a new peer (a gate), or null (a dialled socket)
   */
  public DatagramSocketHandler(DatagramChannel channel, boolean framed, int maxDatagramSize, int maxKeywordLength,
                               long idleTimeoutMs, Counters counters, Admission admission) {
    this(channel, framed, maxDatagramSize, maxKeywordLength, idleTimeoutMs, counters, admission, channel::isWritable);
  }

  // writable: whether the socket takes datagrams now (its own writability; tests stall it)
  DatagramSocketHandler(DatagramChannel channel, boolean framed, int maxDatagramSize, int maxKeywordLength,
                        long idleTimeoutMs, Counters counters, Admission admission, java.util.function.BooleanSupplier writable) {
    this.writable = writable;
    this.channel = channel;
    this.framed = framed;
    this.maxDatagramSize = maxDatagramSize;
    this.maxKeywordLength = maxKeywordLength;
    this.idleTimeoutMs = idleTimeoutMs;
    this.counters = counters;
    this.admission = admission;
  }

  DatagramChannel channel() {
    return channel;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (idleTimeoutMs > 0) {
      long period = Math.max(1, idleTimeoutMs / SWEEPS_PER_TIMEOUT);
      io.netty.util.concurrent.ScheduledFuture<?> sweep = channel.eventLoop().scheduleAtFixedRate(this::sweepIdle, period,
          period, java.util.concurrent.TimeUnit.MILLISECONDS);
      channel.closeFuture().addListener(f -> sweep.cancel(false));
    }
  }

  static final int SWEEPS_PER_TIMEOUT = 4;

  private void sweepIdle() {
    for (Peer peer : new ArrayList<>(peers.values())) {
      // More sweeps than fit the timeout: silent for at least the timeout, at most a quarter more.
      if (++peer.silentSweeps > SWEEPS_PER_TIMEOUT) {
        peer.silentSweeps = Integer.MIN_VALUE; // told once; it closes
        peer.channel.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.ALL_IDLE_STATE_EVENT);
      }
    }
  }

  /**
   * The one peer of a connected (dialled) socket, registered and ready for its pipeline.
   * Its datagrams go out without an address (the socket is connected to it).
   */
  public DatagramPeerChannel dial(InetSocketAddress remote) {
    connected = true;
    return newPeer(remote).channel;
  }

  /** Gives {@code connection} the peer channel it serves (a dialled socket's one peer). */
  public void served(DatagramPeerChannel peer, ChannelConnection connection) {
    Peer known = peers.get(peer.remote());
    if (known != null && known.channel == peer) {
      known.connection = connection;
    }
  }

  private Peer newPeer(InetSocketAddress remote) {
    DatagramPeerChannel peerChannel = new DatagramPeerChannel(this, remote);
    io.netty.channel.ChannelFuture registered = channel.eventLoop().register(peerChannel); // on this loop: done at once
    if (!registered.isSuccess()) {
      throw new IllegalStateException("cannot register a UDP peer channel", registered.cause());
    }
    peerChannel.pipeline().addLast(ChannelEnd.NAME, ChannelEnd.INSTANCE);
    Peer peer = new Peer(peerChannel);
    peers.put(remote, peer);
    return peer;
  }

  // ---- reading ---------------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    reading = true;
    DatagramPacket packet = (DatagramPacket) msg;
    ByteBuf content = packet.content();
    InetSocketAddress from = packet.sender();
    if (content.readableBytes() > maxDatagramSize) {
      counters.count(TOO_LARGE); // the kernel cut it at maxDatagramSize + 1: longer than any message may be
      packet.release();
      return;
    }
    Peer peer = peers.get(from);
    if (peer == null) {
      if (admission == null || emptied != null) {
        packet.release(); // not the dialled peer, or the gate is stopping
        return;
      }
      peer = admit(from, content);
      if (peer == null) {
        packet.release();
        return;
      }
    } else if (peer.keyword != null && peer.connection != null && peer.connection.isOpen()
        && sameBytes(content, peer.keyword)) {
      packet.release();
      answerRepeatedKeyword(from, peer.keyword.length);
      return;
    }
    if (!peer.channel.config().isAutoRead()) {
      counters.count(DROPPED_PAUSED);
      packet.release();
      return;
    }
    if (!peer.readThisLoop) {
      peer.readThisLoop = true;
      readThisLoop.add(peer);
    }
    if (peer.silentSweeps > 0) {
      peer.silentSweeps = 0;
    }
    peer.channel.deliver(compact(content));
  }

  private static boolean sameBytes(ByteBuf content, byte[] bytes) {
    int length = content.readableBytes();
    if (length != bytes.length) {
      return false;
    }
    int start = content.readerIndex();
    for (int i = 0; i < length; i++) {
      if (content.getByte(start + i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  private Peer admit(InetSocketAddress from, ByteBuf first) {
    Peer peer = newPeer(from);
    if (framed) {
      peer.channel.capFirstAnswer(first.readableBytes());
      if (first.readableBytes() <= maxKeywordLength) {
        peer.keyword = ByteBufUtil.getBytes(first);
      }
    }
    peer.connection = admission.admit(peer.channel);
    if (peer.connection == null) {
      peer.channel.close();
      return null;
    }
    return peer;
  }

  // The OK went out but was lost: answered again, at most as long as the keyword (no amplification).
  private void answerRepeatedKeyword(InetSocketAddress to, int keywordBytes) {
    counters.count(REHANDSHAKE);
    if (keywordBytes < Frames.OK.length) {
      counters.count(ANSWER_WITHHELD);
      return;
    }
    ByteBuf ok = ctx.alloc().directBuffer(Frames.OK.length).writeBytes(Frames.OK);
    write(ok, to);
  }

  // A small datagram read into a buffer sized for the largest one is copied, so that a held message holds its own size.
  private ByteBuf compact(ByteBuf content) {
    int length = content.readableBytes();
    if (length * 2L >= content.capacity()) {
      return content;
    }
    ByteBuf copy = ctx.alloc().directBuffer(length).writeBytes(content);
    content.release();
    return copy;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (Peer peer : readThisLoop) {
      peer.readThisLoop = false;
      peer.channel.readComplete();
    }
    readThisLoop.clear();
    reading = false;
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  // ---- writing ---------------------------------------------------------------------------

  boolean writable() {
    return writable.getAsBoolean();
  }

  void resumeWhenWritable(DatagramPeerChannel peer) {
    waitingToWrite.add(peer);
  }

  void send(ByteBuf datagram, InetSocketAddress to) {
    write(datagram, to);
  }

  private void write(ByteBuf datagram, InetSocketAddress to) {
    ctx.write(connected ? datagram : new DatagramPacket(datagram, to), ctx.voidPromise());
  }

  void flush() {
    if (!reading) {
      ctx.flush();
    }
  }

  void amplificationRefused() {
    counters.count(ANSWER_WITHHELD);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    while (writable() && !waitingToWrite.isEmpty()) {
      DatagramPeerChannel next = waitingToWrite.iterator().next();
      waitingToWrite.remove(next);
      next.resumeWriting();
    }
    ctx.fireChannelWritabilityChanged();
  }

  // ---- peers leaving ---------------------------------------------------------------------

  void forget(DatagramPeerChannel peer) {
    Peer known = peers.get(peer.remote());
    if (known != null && known.channel == peer) {
      peers.remove(peer.remote());
    }
    waitingToWrite.remove(peer);
    if (peers.isEmpty() && emptied != null) {
      emptied.trySuccess(null);
    }
  }

  /**
   * Stops taking new peers and closes every peer with {@code close} (each sends what it has
   * queued, then closes); the future completes when the last one closed.
   */
  public io.netty.util.concurrent.Future<Void> closePeers(java.util.function.Consumer<ChannelConnection> close) {
    if (emptied == null) {
      emptied = channel.eventLoop().newPromise();
    }
    if (peers.isEmpty()) {
      emptied.trySuccess(null);
    }
    for (Peer peer : new ArrayList<>(peers.values())) {
      if (peer.connection != null) {
        close.accept(peer.connection);
      } else {
        peer.channel.close();
      }
    }
    return emptied;
  }

  /** Closes every peer at once (what they queued is dropped). */
  public void closePeersNow() {
    for (Peer peer : new ArrayList<>(peers.values())) {
      peer.channel.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closePeersNow();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (connected) {
      // A dialled socket hears of an unreachable server (ICMP): its one peer closes, and its link dials again.
      LOG.fine(() -> "UDP socket to " + channel.remoteAddress() + ": " + cause);
      for (Peer peer : new ArrayList<>(peers.values())) {
        peer.channel.pipeline().fireExceptionCaught(cause);
      }
      return;
    }
    LOG.fine(() -> "UDP socket on " + channel.localAddress() + ": " + cause);
  }
}
