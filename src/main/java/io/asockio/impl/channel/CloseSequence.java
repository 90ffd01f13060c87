package io.asockio.impl.channel;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * How a connection's socket closes, from its {@link OutboundQueue}'s place in the pipeline.
 *
 * <pre>
 *   afterWrites: queued bytes reach the kernel ─► our FIN (or close_notify) ─► the peer's end, or LINGER_MS ─► close
 *   now:         SO_LINGER 0 ─► close (RST: the kernel drops what it still holds)
 * </pre>
 *
 * Event loop only.
 */
final class CloseSequence {

  /** How long a closing connection waits for the peer's end after its own. */
  static final long LINGER_MS = 2_000;

  private final ChannelHandlerContext ctx;
  private final boolean tls;
  private boolean closingAfterWrites; // afterWrites began: waiting for our last bytes to reach the kernel
  private boolean lingering;          // our FIN went out: waiting for the peer's end
  private ScheduledFuture<?> lingerDeadline;

  CloseSequence(ChannelHandlerContext ctx, boolean tls) {
    this.ctx = ctx;
    this.tls = tls;
  }

  /** Closes once what was written so far reached the kernel. */
  void afterWrites() {
    closingAfterWrites = true;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      if (written.isSuccess()) {
        lingeringClose();
      } else {
        ctx.close();
      }
    });
  }

  /**
   * Ends our side after the last byte, then waits for the peer's end before closing. Closing
   * a socket that still has unread input sends a reset, and a reset makes the kernels drop
   * what was written but not yet delivered: the peer would lose the end of our output. So: a
   * FIN, then input is read and dropped until the peer ends ({@link #peerEnded}, called on
   * its half-close) or {@link #LINGER_MS} passed. Over TLS the same is close_notify both ways.
   */
  private void lingeringClose() {
    Channel channel = ctx.channel();
    if (!(channel instanceof DuplexChannel) || !channel.isActive() || ((DuplexChannel) channel).isInputShutdown()) {
      ctx.close(); // the peer ended already (or cannot be waited for): a plain close is a FIN
      return;
    }
    SslHandler tlsHandler = tls ? ctx.pipeline().get(SslHandler.class) : null;
    if (tlsHandler != null) {
      // TLS has its own end (close_notify): Netty's handler sends ours and waits for the peer's.
      tlsHandler.setCloseNotifyReadTimeoutMillis(LINGER_MS);
      ctx.close();
      return;
    }
    ((DuplexChannel) channel).shutdownOutput().addListener(shut -> {
      if (!shut.isSuccess()) {
        ctx.close();
        return;
      }
      lingering = true;
      channel.config().setAutoRead(true); // drain what the peer still sends, so the close stays a FIN
      ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
        ctx.close();
      }, LINGER_MS, TimeUnit.MILLISECONDS);
      lingerDeadline = deadline;
      // Most peers end well before the deadline: a timer left behind per connection would pile
      // up in the event loop's timer queue under connection churn (thousands per second).
      channel.closeFuture().addListener(closed -> deadline.cancel(false));
    });
  }

  /**
   * The peer ended its side while a close of ours may be under way. If our FIN went out (we
   * were lingering for the peer's), or no close of ours began, the close completes now. If our
   * last bytes are still on their way to the kernel, it must wait for them: closing now would
   * drop them and cut the peer off mid-frame; {@link #lingeringClose} sees the peer's end and
   * closes without lingering.
   */
  void peerEnded() {
    if (!closingAfterWrites || lingering) {
      ctx.close();
    }
  }

  /** The timer that ends the wait for the peer's end (null until our FIN went out); for tests. */
  ScheduledFuture<?> lingerDeadline() {
    return lingerDeadline;
  }

  /** Closes at once, dropping what the kernel still holds (RST). */
  void now() {
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.close();
  }
}
