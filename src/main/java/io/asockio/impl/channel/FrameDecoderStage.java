package io.asockio.impl.channel;

import io.asockio.codec.FrameDecoder;
import io.asockio.impl.core.HeldInputBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The framing stage of a connection's pipeline: reads in, messages out.
 *
 * <pre>
 *   ByteBuf (a read) ──► FrameDecoder ──► ByteBuf (one whole message, owned by the next stage)
 *                                     ├─► OversizedFrame (stream it?) ─► ByteBuf chunks ─► STREAM_END
 * </pre>
 *
 * A partial message held whole claims its announced length from the node's
 * {@link HeldInputBudget} when its header comes, and gives it back when it completes; a
 * claim that must wait stops reading the socket (messages that arrive whole claim nothing).
 *
 * <p>Raw mode is a pipeline without this stage: {@link #switchToRaw()} passes what it holds and
 * the rest of the current read on as raw bytes, then removes the stage.
 */
final class FrameDecoderStage extends ChannelInboundHandlerAdapter implements FrameDecoder.Listener, MessageStage {

  static final String NAME = "asockio-decoder";

  private final FrameDecoder decoder;
  private final HeldInputBudget.Claim heldInput;
  private ChannelHandlerContext ctx;
  private boolean feeding;

  FrameDecoderStage(long limit, io.netty.buffer.ByteBufAllocator alloc, HeldInputBudget.Claim heldInput) {
    this.decoder = new FrameDecoder(limit, alloc, this);
    this.heldInput = heldInput;
  }

  /** Largest message held whole from the next header on. */
  @Override
  public void limit(long limit) {
    decoder.limit(limit);
  }

  /** Bytes of a partial frame held now. */
  long heldBytes() {
    return decoder.heldBytes();
  }

  /** Memory the partial frame keeps alive now. */
  @Override
  public long retainedBytes() {
    return decoder.retainedBytes();
  }

  /** Stops decoding for good (after a refusal or an oversized frame); releases what it holds. */
  @Override
  public void stop() {
    decoder.stop();
    heldInput.hold(0);
  }

  /** Stops framing: from now on reads pass as they come. */
  void switchToRaw() {
    decoder.switchToRaw(ctx::fireChannelRead);
    heldInput.hold(0);
    if (!feeding) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!decoder.isRaw()) {
      decoder.stop();
    }
    heldInput.hold(0);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf read = (ByteBuf) msg;
    feeding = true;
    try {
      decoder.feed(read);
    } finally {
      feeding = false;
      read.release();
    }
    heldInput.hold(decoder.partialFrameLength());
    if (decoder.isRaw()) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void onMessage(ByteBuf payload) {
    ctx.fireChannelRead(payload);
  }

  @Override
  public boolean onOversizedFrame(long length) {
    FrameEvents.OversizedFrame frame = new FrameEvents.OversizedFrame(length);
    ctx.fireChannelRead(frame);
    return frame.streamed();
  }

  @Override
  public void onFrameChunk(ByteBuf chunk) {
    ctx.fireChannelRead(chunk);
  }

  @Override
  public void onFrameEnd() {
    ctx.fireChannelRead(FrameEvents.STREAM_END);
  }
}
