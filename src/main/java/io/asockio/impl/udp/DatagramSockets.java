package io.asockio.impl.udp;

import io.asockio.impl.channel.ChannelConnection;
import io.asockio.impl.vertx.VertxChannels;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** Opening, binding, connecting and closing UDP sockets on Vert.x's event loops, with Vert.x futures. */
public final class DatagramSockets {

  /**
   * The socket's own queue (shared by its peers) counts as full above this: peers then keep
   * their datagrams in their own buffers, under their own limits.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

  private static final Logger LOG = Logger.getLogger(DatagramSockets.class.getName());
  private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");

  private DatagramSockets() {
  }

  /** The address of {@code host}: a literal at once, a name looked up off the event loop. */
  public static Future<InetAddress> resolve(Vertx vertx, String host) {
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
    if (literal != null) {
      return Future.succeededFuture(literal);
    }
    return vertx.executeBlocking(() -> InetAddress.getByName(host), false);
  }

  /**
   * A UDP socket for {@code address}'s family whose reads hold one datagram of up to
   * {@code maxDatagramSize} bytes, plus one byte: a datagram that fills the buffer was longer
   * than allowed (the kernel cut it) and is dropped. A {@code receiveBufferBytes} above 0 is
   * asked for as SO_RCVBUF; when the kernel gives less, a warning names {@code owner} (e.g.
   * {@code udp gate "g"}) and the key ({@code owner} null: no warning, another socket of the same
   * gate gave it).
   */
  public static DatagramChannel newSocket(Vertx vertx, InetAddress address, boolean reusePort, int maxDatagramSize,
                                          int receiveBufferBytes, String owner) {
    DatagramChannel channel = VertxChannels.datagramChannel(vertx, address instanceof Inet6Address, reusePort);
    channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagramSize + 1));
    channel.config().setWriteBufferWaterMark(WATER_MARK);
    if (receiveBufferBytes > 0) {
      channel.config().setReceiveBufferSize(receiveBufferBytes);
      int granted = receiveBuffer(channel);
      if (granted < receiveBufferBytes && owner != null) {
        LOG.warning(() -> owner + ": the kernel gave its socket a receive buffer of " + granted
            + " bytes, not the " + receiveBufferBytes + " of receiveBufferBytes (Linux caps it at net.core.rmem_max)");
      }
    }
    return channel;
  }

  /**
   * The receive buffer the kernel granted the socket. Linux reports twice what it granted (the
   * other half is its bookkeeping); the JDK, under Netty's NIO channels, halves that back, and
   * Netty's native channels (Linux only) report it as it is.
   */
  static int receiveBuffer(DatagramChannel channel) {
    int reported = channel.config().getReceiveBufferSize();
    return LINUX && !(channel instanceof NioDatagramChannel) ? reported / 2 : reported;
  }

  public static Future<Void> register(EventLoop loop, DatagramChannel channel) {
    return vertx(loop.register(channel));
  }

  public static Future<Void> bind(DatagramChannel channel, InetSocketAddress address) {
    return vertx(channel.bind(address));
  }

  /** Connects a dialled socket to its server: it hears only from it, and learns (ICMP) when nobody listens. */
  public static Future<Void> connect(DatagramChannel channel, InetSocketAddress remote) {
    return vertx(channel.connect(remote));
  }

  /**
   * Closes every peer with {@code close} (each sends what it has queued, then closes), cuts
   * the ones left after {@code graceMs}, then closes the socket.
   */
  public static Future<Void> closeGracefully(DatagramChannel channel, DatagramSocketHandler socket, long graceMs,
                                             Consumer<ChannelConnection> close) {
    Promise<Void> closed = Promise.promise();
    channel.eventLoop().execute(() -> {
      io.netty.util.concurrent.Future<Void> emptied = socket.closePeers(close);
      io.netty.util.concurrent.ScheduledFuture<?> cut = channel.eventLoop().schedule(socket::closePeersNow, graceMs,
          TimeUnit.MILLISECONDS);
      emptied.addListener(f -> {
        cut.cancel(false);
        channel.close().addListener(c -> closed.complete());
      });
    });
    return closed.future();
  }

  private static Future<Void> vertx(ChannelFuture future) {
    Promise<Void> promise = Promise.promise();
    future.addListener(f -> {
      if (f.isSuccess()) {
        promise.complete();
      } else {
        promise.fail(f.cause());
      }
    });
    return promise.future();
  }
}
