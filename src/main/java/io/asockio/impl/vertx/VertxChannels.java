package io.asockio.impl.vertx;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/** The Netty channel under a Vert.x socket, and Vert.x contexts entered from Netty callbacks. */
public final class VertxChannels {

  private VertxChannels() {
  }

  /**
   * The context of Vert.x's own handler in the socket's pipeline: asockio's stages go in
   * front of it ({@code pipeline().addBefore(ctx.name(), ...)}), which is where Vert.x
   * documents that handlers may be added.
   */
  public static ChannelHandlerContext handlerContext(NetSocket socket) {
    return ((NetSocketInternal) socket).channelHandlerContext();
  }

  /**
   * Runs {@code callback} on the current thread (the context's event loop) as a task of
   * {@code context}: {@code Vertx.currentContext()} is that context while it runs, so timers,
   * futures and blocked-thread checks in user code behave as in any Vert.x handler. Netty
   * callbacks run outside any Vert.x context; user code is always called through here.
   */
  public static void dispatch(Context context, Runnable callback) {
    ContextInternal internal = (ContextInternal) context;
    ContextInternal previous = internal.beginDispatch();
    try {
      callback.run();
    } finally {
      internal.endDispatch(previous);
    }
  }
}
