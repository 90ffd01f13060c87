package io.asockio.impl.channel;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.codec.Frames;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * How a {@link ChannelConnection} ends when the end comes from below it: what the pipeline
 * reports decides how it closes.
 *
 * <pre>
 *  peer half-closed    ─► open: deliver (even to a paused handler, on resume), send what is queued,
 *                         close ("closed by peer"); handshake: close
 *  peer gone (exited)  ─► deliver what it sent (even to a paused handler, on resume), then cut
 *                         (a paused handler gets limits.shutdownGraceMs to resume, either way)
 *  idle                ─► close gracefully ("idle")
 *  socket error        ─► cut ("socket error"; out of direct memory: "out of memory", this one only)
 *  message too long    ─► close gracefully ("message too long"), unless the handler streams
 * </pre>
 *
 * Event loop only, like the connection.
 */
final class Ending {

  private static final Logger LOG = Logger.getLogger(Ending.class.getName());

  private final ChannelConnection c;
  private CloseReason endedBy; // the peer ended while a paused handler held its input: why it closes once delivered
  private boolean endedGracefully; // a half-close: queued output still goes out (a peer that is gone: cut)
  private ScheduledFuture<?> deliveryDeadline;

  Ending(ChannelConnection connection) {
    this.c = connection;
  }

  /**
   * The peer shut its side down (half-close): it sends nothing more, but what it sent is
   * delivered and what it asked for still reaches it. During the handshake there is nothing
   * to answer: it closes at once.
   */
  void inputShutdown() {
    if (c.isClosingOrClosed()) {
      c.out().peerEnded(); // a close of ours is under way: it ends at once if its FIN went out, else after our last byte
    } else if (c.state() != ChannelConnection.State.OPEN) {
      c.closeGracefully(CloseReason.of(CloseCause.PEER_CLOSED));
    } else if (c.holdsInput()) {
      awaitDelivery(CloseReason.of(CloseCause.PEER_CLOSED), true); // a close now would drop them
    } else {
      c.closeWhenFlushed(CloseReason.of(CloseCause.PEER_CLOSED));
    }
  }

  /**
   * The channel knows why its peer is gone (a child process exited): nothing more can go out,
   * but what it sent is delivered first; a handler that paused its reading gets it when it
   * resumes ({@link #inputDelivered}), then the connection closes.
   */
  void peerGone(CloseReason reason) {
    if (c.holdsInput()) {
      awaitDelivery(reason, false);
    } else {
      c.closeNow(reason);
    }
  }

  /** Everything received so far was delivered. */
  void inputDelivered() {
    if (endedBy != null) {
      deliveryDeadline.cancel(false);
      end();
    }
  }

  // A paused handler still has messages from a peer that ended: it gets them when it resumes, then the connection
  // closes. One that does not resume within limits.shutdownGraceMs loses them: a peer that left must not hold a
  // connection for ever.
  private void awaitDelivery(CloseReason reason, boolean graceful) {
    if (deliveryDeadline != null) {
      deliveryDeadline.cancel(false); // a child's stdout ended, then it exited: the later news decides
    }
    endedBy = reason;
    endedGracefully = graceful;
    long graceMs = c.node.config().limits().shutdownGraceMs();
    deliveryDeadline = c.channel.eventLoop().schedule(() -> c.inContext(() -> {
      if (endedBy != null && !c.isClosingOrClosed()) {
        LOG.warning(() -> "closing " + c.describe() + ": its peer ended, and " + c.heldInputBytes()
            + " bytes it sent were not read within limits.shutdownGraceMs (" + graceMs + " ms)");
        end();
      }
    }), graceMs, TimeUnit.MILLISECONDS);
  }

  private void end() {
    CloseReason reason = endedBy;
    endedBy = null;
    if (endedGracefully) {
      c.closeWhenFlushed(reason);
    } else {
      c.closeNow(reason);
    }
  }

  /** Nothing went in or out for {@code idleTimeoutMs}. */
  void idle() {
    LOG.fine(() -> "closing " + c.describe() + ": idle");
    c.closeGracefully(CloseReason.of(CloseCause.IDLE));
  }

  void socketError(Throwable err) {
    if (err instanceof OutOfMemoryError) {
      // Netty's direct memory ran out while serving this connection: only this one closes, and it says so.
      LOG.warning(() -> "closing " + c.describe() + ": out of memory (" + err.getMessage() + ")");
      if (c.state() != ChannelConnection.State.OPEN) {
        c.node.counters().count(CloseCause.OUT_OF_MEMORY.counter()); // an open one is counted when it closes
      }
      c.closeNow(new CloseReason(CloseCause.OUT_OF_MEMORY, String.valueOf(err.getMessage())));
      return;
    }
    LOG.fine(() -> "socket error on " + c.describe() + ": " + err);
    c.closeNow(new CloseReason(CloseCause.SOCKET_ERROR, String.valueOf(err.getMessage())));
  }

  /** A message over the limit, and the handler does not stream. */
  void messageTooLong(long length) {
    LOG.warning(() -> "closing " + c.describe() + ": a message of " + Frames.unsigned(length)
        + " bytes exceeds limits.maxMessageSize (" + c.node.config().limits().maxMessageSize() + ")");
    c.closeGracefully(CloseReason.of(CloseCause.MESSAGE_TOO_LONG));
  }
}
