package bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for the framed protocol: C connections, each introduces itself with a
 * keyword, then keeps W frames of S bytes in flight against an echo server. After a warm-up
 * it measures for D seconds and prints one JSON line: frames/s, MiB/s (payload, one way),
 * latency p50/p99/p99.9/max in microseconds (HdrHistogram), errors.
 *
 * Usage: FramedLoad HOST PORT CONNECTIONS WINDOW SIZE SECONDS WARMUP_SECONDS
 */
public final class FramedLoad {

  static final Recorder LATENCY = new Recorder(3);
  static final AtomicLong FRAMES = new AtomicLong();
  static final AtomicLong ERRORS = new AtomicLong();
  static volatile boolean measuring;
  static volatile boolean stopping;

  static final class Conn extends ChannelInboundHandlerAdapter {
    final ByteBuf frame;
    final int window;
    final ArrayDeque<Long> sent = new ArrayDeque<>();
    final String keyword;
    boolean open;
    long remaining = -1;
    final byte[] header = new byte[8];
    int headerBytes;

    Conn(ByteBuf frame, int window, String keyword) {
      this.frame = frame;
      this.window = window;
      this.keyword = keyword;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      byte[] k = keyword.getBytes();
      ctx.writeAndFlush(ctx.alloc().buffer(8 + k.length).writeLongLE(k.length).writeBytes(k));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      boolean wrote = false;
      while (in.isReadable()) {
        if (remaining < 0) {
          if (headerBytes == 0 && in.readableBytes() >= 8) {
            remaining = in.readLongLE();
          } else {
            header[headerBytes++] = in.readByte();
            if (headerBytes < 8) {
              continue;
            }
            headerBytes = 0;
            long r = 0;
            for (int i = 7; i >= 0; i--) {
              r = (r << 8) | (header[i] & 0xff);
            }
            remaining = r;
          }
        }
        int n = (int) Math.min(remaining, in.readableBytes());
        in.skipBytes(n);
        remaining -= n;
        if (remaining == 0) {
          remaining = -1;
          if (!open) {
            open = true;
            for (int i = 0; i < window; i++) {
              send(ctx);
            }
            wrote = true;
            continue;
          }
          long start = sent.poll();
          if (measuring) {
            LATENCY.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
            FRAMES.incrementAndGet();
          }
          if (!stopping) {
            send(ctx);
            wrote = true;
          }
        }
      }
      in.release();
      if (wrote) {
        ctx.flush();
      }
    }

    void send(ChannelHandlerContext ctx) {
      sent.add(System.nanoTime());
      ctx.write(frame.retainedDuplicate(), ctx.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ERRORS.incrementAndGet();
      ctx.close();
    }
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    int window = Integer.parseInt(args[3]);
    int size = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int warmup = Integer.parseInt(args[6]);
    ByteBuf frame = Unpooled.unreleasableBuffer(Unpooled.directBuffer(8 + size).writeLongLE(size).writeZero(size));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    List<Channel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        String keyword = "load-" + i;
        channels.add(new Bootstrap().group(group).channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new Conn(frame, window, keyword));
              }
            }).connect(host, port).sync().channel());
      }
      LockSupport.parkNanos(warmup * 1_000_000_000L);
      LATENCY.reset();
      measuring = true;
      long t0 = System.nanoTime();
      LockSupport.parkNanos(seconds * 1_000_000_000L);
      measuring = false;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      stopping = true;
      Histogram h = LATENCY.getIntervalHistogram();
      long frames = FRAMES.get();
      System.out.printf("{\"frames_per_s\": %.1f, \"mib_per_s\": %.2f, \"p50_us\": %d, \"p99_us\": %d, \"p999_us\": %d, \"max_us\": %d, "
              + "\"errors\": %d, \"connections\": %d, \"window\": %d, \"size\": %d}%n",
          frames / elapsed, frames * (double) size / elapsed / (1 << 20), h.getValueAtPercentile(50),
          h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), ERRORS.get(), connections, window, size);
    } finally {
      channels.forEach(Channel::close);
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
