package io.asockio.impl.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The last asockio stage of a pipeline, in front of Vert.x's handler: hands what comes in to
 * its {@link ChannelConnection} (messages and stream events to its inbound flow, the end of the
 * channel, socket errors, idleness). Reads stop here; life-cycle events go on to Vert.x so
 * that it cleans up its side of the socket.
 */
final class ConnectionStage extends ChannelInboundHandlerAdapter {

  static final String NAME = "asockio-connection";

  private final ChannelConnection connection;

  ConnectionStage(ChannelConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.onInbound(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.onClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.ending.socketError(cause);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      connection.ending.idle();
      return;
    }
    if (evt instanceof PeerEnded) {
      connection.ending.peerGone(((PeerEnded) evt).reason());
      return;
    }
    if (evt instanceof ChannelInputShutdownEvent) {
      connection.ending.inputShutdown(); // the channel allows half-closure: closing is ours to decide
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
