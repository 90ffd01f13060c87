package io.asockio.impl.gate;

import io.asockio.config.GateConfig;
import io.asockio.impl.channel.ChannelEnd;
import io.asockio.impl.channel.Pipelines;
import io.asockio.impl.channel.PeerFacts;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.vertx.VertxChannels;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The codec verticle of one gate. Deploy it N times on the same endpoint and Vert.x hands
 * the accepted connections to the instances in turn; each connection then lives on the
 * event loop of the instance that accepted it, whose pipeline frames its messages.
 */
public final class GateVerticle extends VerticleBase {

  private final NodeContext node;
  private final GateConfig gate;
  private final int instance;
  private final SocketAddress address;
  private final IntConsumer boundPort;
  private NetServer server;

  /**
   * @param address   where to listen (for port 0 a {@link SocketAddress#sharedRandomPort}, so
   *                  that all instances share one ephemeral port)
   * @param boundPort told the TCP port once listening
   */
  public GateVerticle(NodeContext node, GateConfig gate, int instance, SocketAddress address, IntConsumer boundPort) {
    this.node = node;
    this.gate = gate;
    this.instance = instance;
    this.address = address;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions()
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setReusePort(gate.reusePort());
    if (gate.tls() != null) {
      TlsOptions.apply(options, gate.tls());
    }
    server = vertx.createNetServer(options);
    // A poller that drives its own I/O takes the plain gates' connections onto its thread.
    Context connections = node.connectionsContext(gate, context);
    // The stages go in right here, on the socket's context, before any byte can arrive.
    server.connectHandler(socket -> {
      ChannelHandlerContext vertxHandler = VertxChannels.handlerContext(socket);
      Pipelines.accept(node, gate, instance, vertxHandler.pipeline(), vertxHandler.name(),
          connections, PeerFacts.of(socket, gate.tls() != null));
      // The gate stopping reaches the connection stage as Vert.x's shutdown event: the connection ends as the node stops.
      if (VertxChannels.canDropVertxHandler(vertx)) {
        // Vert.x's socket object is not used past this point: about 5 KiB less per connection.
        vertxHandler.pipeline().replace(vertxHandler.handler(), ChannelEnd.NAME, ChannelEnd.INSTANCE);
      }
    });
    // Vert.x registers accepted channels on the event loop of the context that listens.
    return VertxChannels.call(connections, () -> server.listen(address)).onSuccess(s -> {
      if (gate.transport() == GateConfig.Transport.TCP) {
        boundPort.accept(s.actualPort());
      }
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(node.config().limits().shutdownGraceMs(), TimeUnit.MILLISECONDS);
  }
}
