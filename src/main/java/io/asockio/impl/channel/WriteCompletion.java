package io.asockio.impl.channel;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;

/**
 * Knows whether everything written on a channel so far reached the kernel. Checked after a
 * flush: when the socket's buffer is empty it did (the usual case, at no cost); otherwise an
 * empty write behind the data completes when it does. Event loop only.
 */
final class WriteCompletion {

  private final ChannelHandlerContext ctx;
  private final Runnable caughtUp;
  private long written;
  private long completed;
  private final boolean writesReachSocket;

  /**
   * @param writesReachSocket a flush hands the bytes to the socket's own buffer (not under TLS, which holds
   *                          writes of its own, nor on a UDP peer's or a child's channel, which hand them on)
   * @param caughtUp          called when a checked point completes (maybe later, from Netty's completion)
   */
  WriteCompletion(ChannelHandlerContext ctx, boolean writesReachSocket, Runnable caughtUp) {
    this.ctx = ctx;
    this.writesReachSocket = writesReachSocket;
    this.caughtUp = caughtUp;
  }

  /** One more write went down the pipeline. */
  void wrote() {
    written++;
  }

  /** Whether every write up to the last check reached the kernel, and nothing was written since. */
  boolean caughtUp() {
    return completed == written;
  }

  /** After a flush: finds out, now or later, when what was written so far reached the kernel. */
  void check() {
    long seq = written;
    if (socketBufferEmpty()) {
      completed(seq);
      return;
    }
    ChannelPromise done = ctx.newPromise();
    done.addListener(f -> completed(seq));
    ctx.write(Unpooled.EMPTY_BUFFER, done);
    ctx.flush(); // a no-op while the socket waits for room: the write goes with the rest
  }

  private void completed(long seq) {
    completed = Math.max(completed, seq);
    caughtUp.run();
  }

  private boolean socketBufferEmpty() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return writesReachSocket && out != null && out.totalPendingWriteBytes() == 0; // every entry counts, an empty one too
  }
}
