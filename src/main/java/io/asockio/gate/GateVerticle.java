package io.asockio.gate;

import io.asockio.config.GateConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;

/**
 * The codec verticle of one gate. Deploy it N times on the same endpoint and Vert.x hands
 * the accepted connections to the instances in turn; each connection then lives on the
 * event loop of the instance that accepted it, which frames its messages.
 */
public final class GateVerticle extends VerticleBase {

  private final GateServices services;
  private final GateConfig gate;
  private final int instance;
  private final SocketAddress address;
  private NetServer server;

  /**
   * @param address where to listen (for port 0 a {@link SocketAddress#sharedRandomPort}, so
   *                that all instances share one ephemeral port)
   */
  public GateVerticle(GateServices services, GateConfig gate, int instance, SocketAddress address) {
    this.services = services;
    this.gate = gate;
    this.instance = instance;
    this.address = address;
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
    // The stages go in right here, on the socket's context, before any byte can arrive.
    server.connectHandler(socket -> Connection.accept(services, gate, instance, socket, context));
    return server.listen(address).onSuccess(s -> {
      if (gate.transport() == GateConfig.Transport.TCP) {
        services.boundPort(gate.name(), s.actualPort());
      }
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
