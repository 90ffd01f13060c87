package io.asockio.impl.channel;

import io.asockio.impl.core.OutputBudget;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;

import java.util.function.LongSupplier;

/**
 * Keeps one connection's share of the node's {@link OutputBudget} true: what Netty still holds
 * for its socket plus its backlog, reported after each flush. Bytes the kernel did not take
 * during the flush drain later, without an event of ours: an empty write behind them reports
 * that drain when it completes (armed only then, so a connection whose output went straight
 * to the kernel pays one volatile read per flush). Event loop only.
 */
final class OutputReporter {

  private final ChannelHandlerContext ctx;
  private final OutputBudget.Share share;
  private final LongSupplier backlogBytes;
  private boolean drainWatched; // an empty write waits behind the data to report the drain

  OutputReporter(ChannelHandlerContext ctx, OutputBudget.Share share, LongSupplier backlogBytes) {
    this.ctx = ctx;
    this.share = share;
    this.backlogBytes = backlogBytes;
  }

  void report() {
    ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
    long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
    share.report(pending + backlogBytes.getAsLong());
    if (pending > 0 && !drainWatched && ctx.channel().isActive()) {
      drainWatched = true;
      ChannelPromise drained = ctx.newPromise();
      // In a task of its own: Netty completes the promise before it deducts the entry it belonged to.
      drained.addListener(f -> ctx.executor().execute(() -> {
        drainWatched = false;
        report();
      }));
      ctx.write(Unpooled.EMPTY_BUFFER, drained);
      ctx.flush();
    }
  }

  /** The channel closed: Netty fails and frees what was pending. */
  void closed() {
    share.report(0);
  }
}
