package io.asockio.impl.channel;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.impl.vertx.VertxChannels;
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
    if (VertxChannels.isServerShutdown(evt)) {
      if ("gate".equals(connection.origin.via())) {
        connection.close(CloseReason.of(CloseCause.NODE_STOPPING)); // the gate stops: queued output goes out, then it ends
      }
      ctx.fireUserEventTriggered(evt); // Vert.x's handler, where it stays, does its part (it cuts after the grace time)
      return;
    }
    if (evt instanceof ChannelInputShutdownEvent) {
      connection.ending.inputShutdown(); // the channel allows half-closure: closing is ours to decide
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
