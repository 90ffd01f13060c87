package io.asockio.impl.channel;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of an accepted socket's pipeline, in the place of Vert.x's handler once asockio's
 * stages are in front of it. Without that handler Vert.x's socket object is garbage, and with it
 * the outbound message queue every Vert.x connection allocates (a 1,024-slot chunk, about 4 KiB)
 * that asockio never writes to. What Vert.x's handler did that still matters is done in front
 * of it (the server's shutdown event: {@code ConnectionStage} ends the connection as the node
 * stops, and the server cuts what is left after its grace time) and here: nothing that reaches
 * the end stays unreleased.
 */
@ChannelHandler.Sharable
public final class AcceptedEnd extends ChannelInboundHandlerAdapter {

  public static final String NAME = "asockio-accepted-end";

  public static final AcceptedEnd INSTANCE = new AcceptedEnd();

  private AcceptedEnd() {
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
    ReferenceCountUtil.release(evt); // the server's shutdown included: the connection stage acted on it
  }
}
