package io.asockio.impl.channel;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/** What an {@link OutboundQueue} reports to, and asks of, its connection. */
interface OutboundOwner {
  /** Whether sends may still go out (the connection is open and not closing). */
  boolean isOpen();

  /** Whether someone wants to hear that the output emptied (then completions are tracked). */
  boolean wantsOutputEmpty();

  /** Everything written reached the kernel and nothing waits in the backlog; called in a task of its own. */
  void onOutputEmpty();

  /** A streamed send cannot finish: the connection must close now (the peer is left mid-frame). */
  void onStreamSendFailed(String reason);

  /**
   * A send's bytes, held by a reference Netty may release (a copy, or the payload's own memory).
   *
   * @param view the payload's bytes ({@code VertxBuffers.view}), taken once by the caller
   */
  ByteBuf ownedBytes(ByteBuf view);

  /** For logs. */
  String describe();

  /** Runs a Netty callback in the connection's Vert.x context, where user code may run. */
  void inContext(Runnable callback);
}
