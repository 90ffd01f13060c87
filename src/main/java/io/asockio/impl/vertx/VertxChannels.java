package io.asockio.impl.vertx;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/** The Netty channel under a Vert.x socket, UDP sockets on Vert.x's transport, and Vert.x contexts entered from Netty callbacks. */
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
   * Whether Vert.x's handler can leave an accepted socket's pipeline once asockio's stages are
   * in: not when Vert.x meters connections (metrics on), which it counts as ended in that
   * handler. Vert.x registers no bus handler for a socket unless asked, and the server's shutdown
   * reaches asockio's stages as a pipeline event ({@link #isServerShutdown}).
   */
  public static boolean canDropVertxHandler(Vertx vertx) {
    return !vertx.isMetricsEnabled();
  }

  /** Whether {@code event} is the shutdown a Vert.x server sends through each connection's pipeline when it stops. */
  public static boolean isServerShutdown(Object event) {
    return event instanceof io.vertx.core.net.impl.ShutdownEvent;
  }

  /**
   * A new, unregistered UDP socket of Vert.x's transport (native epoll when enabled, else NIO),
   * configured the way Vert.x configures its own: SO_REUSEPORT when asked (epoll only; SO_REUSEADDR
   * stays off, since with it two unrelated sockets could bind one port and one would never hear).
   */
  @SuppressWarnings("deprecation") // InternetProtocolFamily: the type Vert.x 5's transport SPI takes
  public static DatagramChannel datagramChannel(Vertx vertx, boolean ipv6, boolean reusePort) {
    io.vertx.core.spi.transport.Transport transport = ((VertxInternal) vertx).transport();
    DatagramChannel channel = transport.datagramChannel(ipv6 ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
    transport.configure(channel, new DatagramSocketOptions().setReuseAddress(false).setReusePort(reusePort).setIpV6(ipv6));
    return channel;
  }

  /** The Netty event loop under a Vert.x event-loop context (a channel registered there runs on the context's thread). */
  public static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
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

  /** Like {@link #dispatch}, returning what {@code callback} returns (for calls that take the current context). */
  public static <T> T call(Context context, java.util.function.Supplier<T> callback) {
    ContextInternal internal = (ContextInternal) context;
    ContextInternal previous = internal.beginDispatch();
    try {
      return callback.get();
    } finally {
      internal.endDispatch(previous);
    }
  }
}
