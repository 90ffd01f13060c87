package bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for UDP echo: P peers (one connected socket each) introduce themselves with
 * a keyword datagram (sent again until {@code OK}), then keep W datagrams of S bytes in
 * flight. Each datagram carries its send time in its first 8 bytes, so that a reordered or
 * lost one cannot skew the latency of the others. UDP loses datagrams: a peer that heard
 * nothing for 100 ms sends a fresh window (what was in flight counts as lost). After a
 * warm-up it measures for D seconds and prints one JSON line: messages/s received, MiB/s,
 * latency p50/p99/p99.9/max in microseconds, datagrams sent and received and the loss.
 *
 * Usage: UdpLoad HOST PORT PEERS WINDOW SIZE SECONDS WARMUP_SECONDS
 */
public final class UdpLoad {

  static final Recorder LATENCY = new Recorder(3);
  static final AtomicLong SENT = new AtomicLong();
  static final AtomicLong RECEIVED = new AtomicLong();
  static final AtomicLong REFILLS = new AtomicLong();
  static volatile boolean measuring;
  static volatile boolean stopping;

  static final class Peer extends ChannelInboundHandlerAdapter {
    final int size;
    final int window;
    final String keyword;
    Channel channel;
    boolean open;
    long lastHeard = System.nanoTime();

    Peer(int size, int window, String keyword) {
      this.size = size;
      this.window = window;
      this.keyword = keyword;
    }

    void start(Channel ch) {
      channel = ch;
      ch.eventLoop().scheduleAtFixedRate(this::tick, 0, 50, TimeUnit.MILLISECONDS);
    }

    // The keyword until OK; afterwards, a fresh window when everything in flight seems lost.
    void tick() {
      if (stopping) {
        return;
      }
      if (!open) {
        channel.writeAndFlush(channel.alloc().directBuffer().writeBytes(keyword.getBytes()));
      } else if (System.nanoTime() - lastHeard > 100_000_000L) {
        REFILLS.incrementAndGet();
        lastHeard = System.nanoTime();
        for (int i = 0; i < window; i++) {
          send();
        }
        channel.flush();
      }
    }

    void send() {
      ByteBuf datagram = channel.alloc().directBuffer(size);
      datagram.writeLong(System.nanoTime()).writeZero(size - 8);
      channel.write(datagram, channel.voidPromise());
      if (measuring) {
        SENT.incrementAndGet();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket packet = (DatagramPacket) msg;
      ByteBuf in = packet.content();
      lastHeard = System.nanoTime();
      try {
        if (!open) {
          if (in.readableBytes() == 2 && in.getByte(0) == 'O' && in.getByte(1) == 'K') {
            open = true;
            for (int i = 0; i < window; i++) {
              send();
            }
          }
          return;
        }
        if (in.readableBytes() != size) {
          return; // a late OK
        }
        if (measuring) {
          LATENCY.recordValue(Math.max(1, (lastHeard - in.getLong(0)) / 1000));
          RECEIVED.incrementAndGet();
        }
        if (!stopping) {
          send();
        }
      } finally {
        packet.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP while the server starts: the keyword goes again
    }
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int peers = Integer.parseInt(args[2]);
    int window = Integer.parseInt(args[3]);
    int size = Math.max(8, Integer.parseInt(args[4]));
    int seconds = Integer.parseInt(args[5]);
    int warmup = Integer.parseInt(args[6]);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    List<Channel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < peers; i++) {
        Peer peer = new Peer(size, window, "load-" + i);
        Channel ch = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Math.max(2048, size + 1)))
            .handler(peer)
            .connect(new InetSocketAddress(host, port)).sync().channel();
        peer.start(ch);
        channels.add(ch);
      }
      LockSupport.parkNanos(warmup * 1_000_000_000L);
      LATENCY.reset();
      long refillsBefore = REFILLS.get();
      measuring = true;
      long t0 = System.nanoTime();
      LockSupport.parkNanos(seconds * 1_000_000_000L);
      measuring = false;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      stopping = true;
      Histogram h = LATENCY.getIntervalHistogram();
      long sent = SENT.get();
      long received = RECEIVED.get();
      long lost = Math.max(0, sent - received - (long) peers * window); // what was in flight at the end is not lost
      System.out.printf("{\"messages_per_s\": %.1f, \"mib_per_s\": %.2f, \"p50_us\": %d, \"p99_us\": %d, \"p999_us\": %d, "
              + "\"max_us\": %d, \"sent\": %d, \"received\": %d, \"lost\": %d, \"loss\": %.5f, \"refills\": %d, "
              + "\"peers\": %d, \"window\": %d, \"size\": %d}%n",
          received / elapsed, received * (double) size / elapsed / (1 << 20), h.getValueAtPercentile(50),
          h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), sent, received, lost,
          sent == 0 ? 0.0 : lost / (double) sent, REFILLS.get() - refillsBefore, peers, window, size);
    } finally {
      channels.forEach(Channel::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
