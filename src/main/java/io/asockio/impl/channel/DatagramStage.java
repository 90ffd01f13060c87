package io.asockio.impl.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The message stage of a framed UDP peer, where a byte stream has its {@link FrameDecoderStage}:
 * a datagram is one message, whole (PROTOCOL.md §8), so there is nothing to decode, only the
 * limit to apply.
 *
 * <pre>
 *   datagram ──► length &lt;= limit ──► ByteBuf (the message)
 *            └─► longer ─► OversizedFrame ─► streamed: the datagram as its one chunk, STREAM_END
 *                                           └─ not: dropped, and the stage stops (as the decoder does)
 * </pre>
 */
final class DatagramStage extends ChannelInboundHandlerAdapter implements MessageStage {

  static final String NAME = "asockio-datagram";

  private long limit;
  private boolean stopped;

  DatagramStage(long limit) {
    this.limit = limit;
  }

  @Override
  public void limit(long limit) {
    this.limit = limit;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public long retainedBytes() {
    return 0; // a datagram is passed on as it comes
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (stopped) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf datagram = (ByteBuf) msg;
    int length = datagram.readableBytes();
    if (length <= limit) {
      ctx.fireChannelRead(datagram);
      return;
    }
    FrameEvents.OversizedFrame frame = new FrameEvents.OversizedFrame(length);
    ctx.fireChannelRead(frame);
    if (frame.streamed()) {
      ctx.fireChannelRead(datagram);
      ctx.fireChannelRead(FrameEvents.STREAM_END);
    } else {
      datagram.release();
      stopped = true;
    }
  }
}
