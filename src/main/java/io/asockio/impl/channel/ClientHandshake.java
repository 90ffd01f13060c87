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
 *
 * Over UDP the keyword or its answer may be lost: the keyword goes again after 100 ms, then
 * after twice as long each time (at most 1 s apart), until an answer or the timeout. The
 * server answers every copy, so after an OK to a repeated keyword, further {@code OK}
 * datagrams are taken as those answers and dropped, until another datagram comes or the
 * timeout passes once more (PROTOCOL.md §8).
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

  static final String NAME = "asockio-handshake";

  private final ChannelConnection connection;
  private final byte[] keyword;
  private final long timeoutMs;
  private final boolean datagram;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> resend;
  private long resendDelayMs = FIRST_RESEND_MS;
  private int sent;
  private boolean decided;
  private boolean droppingRepeatedOks;

  static final long FIRST_RESEND_MS = 100;
  static final long MAX_RESEND_MS = 1_000;

  ClientHandshake(ChannelConnection connection, byte[] keyword, long timeoutMs, boolean datagram) {
    this.connection = connection;
    this.keyword = keyword;
    this.timeoutMs = timeoutMs;
    this.datagram = datagram;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    sendKeyword(ctx);
    timer = ctx.executor().schedule(() -> connection.inContext(
        () -> fail("no answer to the keyword within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
  }

  private void sendKeyword(ChannelHandlerContext ctx) {
    OutboundQueue out = connection.out();
    out.sendFrame(FrameEncoder.frame(out.alloc(), keyword));
    sent++;
    if (datagram) {
      resend = ctx.executor().schedule(() -> connection.inContext(() -> {
        if (!decided) {
          sendKeyword(ctx);
        }
      }), resendDelayMs, TimeUnit.MILLISECONDS);
      resendDelayMs = Math.min(resendDelayMs * 2, MAX_RESEND_MS);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel(false);
    if (resend != null) {
      resend.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (droppingRepeatedOks) {
      if (msg instanceof ByteBuf && Frames.isOk((ByteBuf) msg)) {
        ReferenceCountUtil.release(msg); // the answer to a repeated keyword
        return;
      }
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
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
        if (sent > 1) {
          droppingRepeatedOks = true;
          resend.cancel(false);
          timer.cancel(false);
          timer = ctx.executor().schedule(() -> {
            if (ctx.pipeline().context(this) != null) {
              ctx.pipeline().remove(this);
            }
          }, timeoutMs, TimeUnit.MILLISECONDS);
        } else {
          ctx.pipeline().remove(this);
        }
        connection.opening.bindDialled();
        return;
      }
      String reason = Frames.refusalReason(answer);
      fail(reason != null ? reason : "unexpected answer to the keyword (" + answer.readableBytes() + " bytes, not OK)");
    } finally {
      answer.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(String.valueOf(cause.getMessage()), false); // e.g. over UDP, ICMP said nobody listens on the port
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (resend != null) {
      resend.cancel(false);
    }
    fail("closed by the server before answering");
    ctx.fireChannelInactive();
  }

  private void fail(String reason) {
    fail(reason, true);
  }

  private void fail(String reason, boolean reached) {
    if (decided) {
      return;
    }
    decided = true;
    timer.cancel(false);
    if (resend != null) {
      resend.cancel(false);
    }
    connection.opening.dialRefused(reason, reached);
  }
}
