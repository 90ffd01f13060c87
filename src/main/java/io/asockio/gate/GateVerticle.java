package io.asockio.gate;

import io.asockio.config.GateConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
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
  // This instance's connections, for the idle scan (all on this verticle's event loop).
  private final java.util.Set<Connection> live = new java.util.HashSet<>();

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
    long idleMs = gate.limits().idleTimeoutMs();
    server = vertx.createNetServer(options);
    server.connectHandler(socket -> {
      // Handlers are set right here, on the socket's context: bytes are never lost.
      Connection connection = new Connection(services, gate, instance, (NetSocketInternal) socket,
          (ContextInternal) vertx.getOrCreateContext(), idleMs > 0 ? live : null);
      connection.start();
    });
    if (idleMs > 0) {
      long idleNanos = idleMs * 1_000_000L;
      vertx.setPeriodic(Math.max(50, idleMs / 4), id -> {
        long now = System.nanoTime();
        new java.util.ArrayList<>(live).forEach(c -> c.checkIdle(now, idleNanos));
      });
    }
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
