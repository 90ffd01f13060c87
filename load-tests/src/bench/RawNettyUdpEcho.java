package bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * The reference for UDP echo: hand-written Netty on native epoll, one socket, the first
 * datagram of a new address answered {@code OK} (the keyword), every later one echoed to its
 * sender; one flush per read cycle, reading paused while the socket's queue is full. It reads
 * datagrams of up to 64 KiB, as asockio's gate does. Usage: RawNettyUdpEcho PORT
 */
public final class RawNettyUdpEcho {

  static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Set<InetSocketAddress> peers = new HashSet<>();

    Handler() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      if (peers.add(packet.sender())) {
        packet.release();
        ctx.write(new DatagramPacket(ctx.alloc().directBuffer(2).writeByte('O').writeByte('K'), packet.sender()),
            ctx.voidPromise());
        return;
      }
      ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // an unreachable peer: nothing to do for the others
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new Bootstrap().group(group).channel(EpollDatagramChannel.class)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_508))
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
        .handler(new Handler())
        .bind("127.0.0.1", port).sync();
    System.out.println("raw netty udp echo listening on 127.0.0.1:" + port);
  }
}
