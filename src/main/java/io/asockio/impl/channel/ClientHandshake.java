package io.asockio.impl.channel;

import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The connecting side of the handshake (PROTOCOL.md §2): sends the keyword, then reads the
 * first frame.
 *
 * <pre>
 *  keyword ─► "OK" ─► the connection takes its link's name, this stage removes itself
 *             "ERR reason", anything else, an oversized answer, a close, the timeout ─► refused
 * </pre>
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

  static final String NAME = "asockio-handshake";

  private final ChannelConnection connection;
  private final byte[] keyword;
  private final long timeoutMs;
  private ScheduledFuture<?> timer;
  private boolean decided;

  ClientHandshake(ChannelConnection connection, byte[] keyword, long timeoutMs) {
    this.connection = connection;
    this.keyword = keyword;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    OutboundQueue out = connection.out();
    out.sendFrame(FrameEncoder.frame(out.alloc(), keyword));
    timer = ctx.executor().schedule(() -> connection.inContext(
        () -> fail("no answer to the keyword within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof FrameEvents.OversizedFrame) {
      fail("answer too long (" + Frames.unsigned(((FrameEvents.OversizedFrame) msg).length()) + " bytes)");
      return;
    }
    if (!(msg instanceof ByteBuf)) {
      return;
    }
    ByteBuf answer = (ByteBuf) msg;
    try {
      if (Frames.isOk(answer)) {
        decided = true;
        ctx.pipeline().remove(this);
        connection.bindDialled();
        return;
      }
      String reason = Frames.refusalReason(answer);
      fail(reason != null ? reason : "unexpected answer to the keyword (" + answer.readableBytes() + " bytes, not OK)");
    } finally {
      answer.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail("closed by the server before answering");
    ctx.fireChannelInactive();
  }

  private void fail(String reason) {
    if (decided) {
      return;
    }
    decided = true;
    timer.cancel(false);
    connection.dialRefused(reason);
  }
}
