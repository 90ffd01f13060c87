package io.asockio.impl.channel;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of the pipeline of a channel asockio made itself (a UDP peer, a child process), and of
 * an accepted socket's once the gate took Vert.x's handler out (so that Vert.x's socket object,
 * with the ~4 KiB outbound queue every Vert.x connection allocates and asockio never uses, is
 * garbage): asockio's stages go in front of it, and nothing that reaches it is left unreleased
 * (Vert.x's shutdown event included: {@code ConnectionStage} acted on it).
 */
@ChannelHandler.Sharable
public final class ChannelEnd extends ChannelInboundHandlerAdapter {

  public static final String NAME = "asockio-end";
  public static final ChannelEnd INSTANCE = new ChannelEnd();

  private ChannelEnd() {
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // the connection stage in front of it handled it
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt);
  }
}
