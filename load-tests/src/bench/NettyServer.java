package bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.util.function.Supplier;

/** The reference peers' server: one epoll event loop on 127.0.0.1, one handler per connection. */
final class NettyServer {

  private NettyServer() {
  }

  static void serve(int port, Supplier<ChannelHandler> handler, String what) throws InterruptedException {
    new ServerBootstrap().group(new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()))
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(handler.get());
          }
        }).bind("127.0.0.1", port).sync();
    System.out.println(what + " listening on 127.0.0.1:" + port);
  }
}
