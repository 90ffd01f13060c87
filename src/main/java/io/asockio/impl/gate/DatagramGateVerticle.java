package io.asockio.impl.gate;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.config.GateConfig;
import io.asockio.impl.channel.PeerFacts;
import io.asockio.impl.channel.ChannelEnd;
import io.asockio.impl.channel.Pipelines;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.udp.DatagramSocketHandler;
import io.asockio.impl.udp.DatagramSockets;
import io.asockio.impl.vertx.VertxChannels;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.net.InetSocketAddress;
import java.util.function.IntConsumer;

/**
 * The codec verticle of one UDP gate: one socket on its event loop, every peer address a
 * client with its own pipeline ({@link DatagramSocketHandler}). Several instances share the
 * port with SO_REUSEPORT (native epoll), and the kernel keeps each remote address on one
 * socket.
 */
public final class DatagramGateVerticle extends VerticleBase {

  private final NodeContext node;
  private final GateConfig gate;
  private final int instance;
  private final int port;
  private final boolean reusePort;
  private final IntConsumer boundPort;
  private DatagramChannel channel;
  private DatagramSocketHandler socket;

  /**
   * @param port      where to bind (the gate's port, or the one a first instance got for port 0)
   * @param reusePort SO_REUSEPORT (several instances, or the gate's {@code reusePort})
   * @param boundPort told the UDP port once bound
   */
  public DatagramGateVerticle(NodeContext node, GateConfig gate, int instance, int port, boolean reusePort,
                              IntConsumer boundPort) {
    this.node = node;
    this.gate = gate;
    this.instance = instance;
    this.port = port;
    this.reusePort = reusePort;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    boolean framed = gate.mode() == GateConfig.Mode.FRAMED;
    return DatagramSockets.resolve(vertx, gate.host()).compose(address -> {
      // Every instance's socket gets the same grant: the first one says when it falls short.
      channel = DatagramSockets.newSocket(vertx, address, reusePort, gate.maxDatagramSize(), gate.receiveBufferBytes(),
          instance == 0 ? "udp gate \"" + gate.name() + "\"" : null);
      socket = new DatagramSocketHandler(channel, framed, gate.maxDatagramSize(), node.config().limits().maxKeywordLength(),
          gate.limits().idleTimeoutMs(), node.counters(), peer -> Pipelines.accept(node, gate, instance, peer.pipeline(), ChannelEnd.NAME,
              context, PeerFacts.of(peer.remote())));
      channel.pipeline().addLast("asockio-udp", socket);
      return DatagramSockets.register(VertxChannels.eventLoop(context), channel)
          .compose(v -> DatagramSockets.bind(channel, new InetSocketAddress(address, port)));
    }).onSuccess(v -> boundPort.accept(((InetSocketAddress) channel.localAddress()).getPort()));
  }

  @Override
  public Future<?> stop() {
    if (channel == null || !channel.isOpen()) {
      return Future.succeededFuture();
    }
    return DatagramSockets.closeGracefully(channel, socket, node.config().limits().shutdownGraceMs(),
        c -> c.close(CloseReason.of(CloseCause.NODE_STOPPING)));
  }
}
