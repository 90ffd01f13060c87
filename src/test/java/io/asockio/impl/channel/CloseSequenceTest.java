package io.asockio.impl.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graceful close over a real socket (an embedded channel has no half-close). */
class CloseSequenceTest {

  @Test
  void aPeerThatEndsInTimeLeavesNoLingerTimerBehind() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CompletableFuture<CloseSequence> closing = new CompletableFuture<>();
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
              CloseSequence close = new CloseSequence(ctx, false);
              ctx.write(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII));
              close.afterWrites();
              accepted.complete(ctx.channel());
              closing.complete(close);
            }
          }).bind("127.0.0.1", 0).sync().channel();
      try (Socket peer = new Socket()) {
        peer.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()), 10_000);
        peer.setSoTimeout(10_000);
        InputStream in = peer.getInputStream();
        assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), in.readNBytes(3));
        assertEquals(-1, in.read(), "our FIN after the last byte");
      } // the peer ends in time: the server side closes on its end, not on the timer
      Channel channel = accepted.get(10, TimeUnit.SECONDS);
      assertTrue(channel.closeFuture().await(10, TimeUnit.SECONDS), "closed once the peer ended");
      CloseSequence close = closing.get(10, TimeUnit.SECONDS);
      assertNotNull(close.lingerDeadline(), "it waited for the peer's end");
      // Cancelled by the close listener, on the event loop, right after the close: wait for that turn.
      channel.eventLoop().submit(() -> { }).await(10, TimeUnit.SECONDS);
      assertTrue(close.lingerDeadline().isCancelled(), "no timer per closed connection left in the event loop's queue");
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
