package io.asockio.client;

import io.asockio.config.LinkConfig;
import io.asockio.gate.Connection;
import io.asockio.gate.GateServices;
import io.asockio.registry.ClientKind;
import io.asockio.registry.ClientRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * An outgoing connection kept up by this node (the client role). It dials, introduces itself
 * with its keyword, waits for {@code OK}, and from then on its {@link Connection} is a client
 * like any accepted one, known under the link's name. After a refusal or a loss it dials
 * again with exponential backoff and jitter, unless reconnection is off.
 *
 * <p>It is a verticle: all its state lives on its own event loop, and undeploying it closes
 * the connection and stops reconnecting.
 */
public final class ClientLink extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ClientLink.class.getName());

  /** Where the link is. */
  public enum Status { CONNECTING, OPEN, WAITING, CLOSED }

  private final GateServices services;
  private final LinkConfig config;
  private final Promise<Void> firstOutcome = Promise.promise();
  private NetClient client; // a field: an unreferenced NetClient may be collected with its connections
  private volatile Status status = Status.CONNECTING;
  private volatile String lastFailure;
  private volatile Connection connection;
  private int attempt;
  private long retryTimer = -1;
  private Promise<Void> nextOpen = Promise.promise();

  public ClientLink(GateServices services, LinkConfig config) {
    this.services = services;
    this.config = config;
  }

  public LinkConfig linkConfig() {
    return config;
  }

  public Status status() {
    return status;
  }

  /** Why the last attempt failed or the last connection ended, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  /**
   * The outcome of the first attempt: succeeds when the link first opens; fails with a
   * {@link LinkException} if that first attempt fails (with reconnection on, the link keeps
   * trying anyway).
   */
  public Future<Void> firstOutcome() {
    return firstOutcome.future();
  }

  /** Succeeds the next time the link is open (at once if it is open now). */
  public Future<Void> whenOpen() {
    if (context == null) { // not deployed yet: nothing can have opened
      return nextOpen.future();
    }
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      if (status == Status.OPEN) {
        p.complete();
      } else if (status == Status.CLOSED) {
        p.fail(new LinkException(LinkException.Kind.CLOSED, "link " + config.name() + " is closed"));
      } else {
        nextOpen.future().onComplete(p);
      }
    });
    return p.future();
  }

  @Override
  public Future<?> start() {
    NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000);
    if (config.tls() != null) {
      io.asockio.gate.TlsOptions.apply(options, config.tls());
    }
    client = vertx.createNetClient(options);
    dial();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    status = Status.CLOSED;
    refuseOffline();
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
    }
    Connection c = connection;
    if (c != null) {
      c.close("link closed");
    }
    LinkException closed = new LinkException(LinkException.Kind.CLOSED, "link " + config.name() + " is closed");
    firstOutcome.tryFail(closed);
    nextOpen.tryFail(closed);
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void dial() {
    if (status == Status.CLOSED) {
      return;
    }
    status = Status.CONNECTING;
    SocketAddress address = config.transport() == io.asockio.config.GateConfig.Transport.UNIX
        ? SocketAddress.domainSocketAddress(config.path())
        : SocketAddress.inetSocketAddress(config.port(), config.host());
    client.connect(address).onComplete(ar -> {
      if (ar.failed()) {
        failed(LinkException.Kind.UNREACHABLE, "cannot connect to " + config.target() + ": " + ar.cause().getMessage());
        return;
      }
      if (status == Status.CLOSED) {
        ar.result().close();
        return;
      }
      // Still in the connect callback, on the socket's context: handlers go in before any byte.
      Connection.dialled(services, config.asEndpoint(), ar.result(), context, config.name(),
          config.keyword().getBytes(StandardCharsets.UTF_8), new Connection.DialOutcome() {
            @Override
            public void opened(Connection c) {
              connection = c;
              status = Status.OPEN;
              attempt = 0;
              lastFailure = null;
              LOG.info(() -> "link " + config.name() + " open to " + config.target());
              firstOutcome.tryComplete();
              Promise<Void> waiting = nextOpen;
              nextOpen = Promise.promise();
              waiting.tryComplete();
            }

            @Override
            public void refused(Connection c, String reason) {
              failed(LinkException.Kind.REFUSED, "refused by " + config.target() + ": " + reason);
            }

            @Override
            public void lost(Connection c, String cause) {
              connection = null;
              lastFailure = "connection lost: " + cause;
              LOG.info(() -> "link " + config.name() + " lost: " + cause);
              retryLater();
            }
          });
    });
  }

  private void failed(LinkException.Kind kind, String message) {
    lastFailure = message;
    services.count("link." + kind.name().toLowerCase());
    LOG.info(() -> "link " + config.name() + ": " + message);
    retryLater(); // first: whoever learns of the failure sees the link's next state
    firstOutcome.tryFail(new LinkException(kind, message));
  }

  // A link that will not come back must not collect messages for it.
  private void refuseOffline() {
    ClientRecord<Connection> record = services.registry().byName(config.name());
    if (record != null && record.kind() == ClientKind.OUTGOING) {
      record.offlineLimits(0, 0);
      int dropped = record.takeOffline().size();
      if (dropped > 0) {
        LOG.warning("link " + config.name() + " closed with " + dropped + " queued messages undelivered");
      }
    }
  }

  private void retryLater() {
    if (status == Status.CLOSED) {
      return;
    }
    if (!config.reconnect().enabled()) {
      status = Status.CLOSED;
      refuseOffline();
      nextOpen.tryFail(new LinkException(LinkException.Kind.CLOSED, "link " + config.name() + " is closed: "
          + lastFailure + " (reconnect is off)"));
      return;
    }
    status = Status.WAITING;
    long delay = config.reconnect().delayMs(attempt++, ThreadLocalRandom.current().nextDouble());
    retryTimer = vertx.setTimer(delay, id -> {
      retryTimer = -1;
      dial();
    });
  }
}
