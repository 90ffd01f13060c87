package io.asockio.impl.link;

import io.asockio.api.ClientKind;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.Link;
import io.asockio.api.LinkException;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.ProcessCommand;
import io.asockio.impl.channel.ChannelConnection;
import io.asockio.impl.channel.ChannelEnd;
import io.asockio.impl.channel.ConnectionOrigin;
import io.asockio.impl.channel.DialOutcome;
import io.asockio.impl.channel.PeerFacts;
import io.asockio.impl.channel.Pipelines;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.gate.TlsOptions;
import io.asockio.impl.process.ProcessChannel;
import io.asockio.impl.udp.DatagramPeerChannel;
import io.asockio.impl.udp.DatagramSocketHandler;
import io.asockio.impl.udp.DatagramSockets;
import io.asockio.impl.vertx.VertxChannels;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A {@link Link} as a verticle: all its state lives on its own event loop, and undeploying it
 * closes the connection and stops reconnecting.
 */
public final class LinkVerticle extends VerticleBase implements Link {

  private static final Logger LOG = Logger.getLogger(LinkVerticle.class.getName());
  /** A dial that has not connected after this long failed (the link then backs off and retries). */
  static final int CONNECT_TIMEOUT_MS = 10_000;

  private final NodeContext node;
  private final LinkConfig config;
  private final Promise<Void> firstOutcome = Promise.promise();
  private NetClient client; // a field: an unreferenced NetClient may be collected with its connections
  private DatagramChannel datagramSocket; // a UDP link's current socket
  private volatile ProcessChannel child; // a process link's current child
  private volatile Status status = Status.CONNECTING;
  private volatile String lastFailure;
  private volatile ChannelConnection connection;
  private int attempt;
  private long retryTimer = -1;
  private Promise<Void> nextOpen = Promise.promise();

  public LinkVerticle(NodeContext node, LinkConfig config) {
    this.node = node;
    this.config = config;
  }

  @Override
  public LinkConfig linkConfig() {
    return config;
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public String lastFailure() {
    return lastFailure;
  }

  @Override
  public Future<Void> firstOutcome() {
    return firstOutcome.future();
  }

  @Override
  public Future<Void> whenOpen() {
    if (context == null) { // not deployed yet: nothing can have opened
      return nextOpen.future();
    }
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      if (status == Status.OPEN) {
        p.complete();
      } else if (status == Status.CLOSED) {
        p.fail(closed(null));
      } else {
        nextOpen.future().onComplete(p);
      }
    });
    return p.future();
  }

  @Override
  public Future<?> start() {
    NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(CONNECT_TIMEOUT_MS);
    if (config.tls() != null) {
      TlsOptions.apply(options, config.tls());
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
    ChannelConnection c = connection;
    if (c != null) {
      c.close(CloseReason.of(CloseCause.LINK_CLOSED));
    }
    firstOutcome.tryFail(closed(null));
    nextOpen.tryFail(closed(null));
    ProcessChannel running = child;
    if (running != null) {
      if (c == null) {
        running.close();
      }
      // Its close ends the child (EOF, SIGTERM, SIGKILL after the grace time): the stop waits for the exit.
      // A child that does not read could hold the graceful close forever: past the grace time it is cut.
      vertx.setTimer(node.config().limits().shutdownGraceMs(), id -> running.close());
      Promise<Void> exited = Promise.promise();
      running.exited().whenComplete((p, e) -> exited.complete());
      return exited.future();
    }
    DatagramChannel udp = datagramSocket;
    if (udp != null) {
      if (c == null) {
        udp.close(); // still in its handshake: nothing to send
      }
      // Its peer's close closes the socket; past the grace time it is cut.
      vertx.setTimer(node.config().limits().shutdownGraceMs(), id -> udp.close());
      Promise<Void> closedSocket = Promise.promise();
      udp.closeFuture().addListener(f -> closedSocket.complete());
      return closedSocket.future();
    }
    return client == null ? Future.succeededFuture()
        : client.shutdown(node.config().limits().shutdownGraceMs(), TimeUnit.MILLISECONDS);
  }

  private LinkException closed(String why) {
    return new LinkException(LinkException.Kind.CLOSED, "link " + config.name() + " is closed" + (why == null ? "" : ": " + why));
  }

  private void dial() {
    if (status == Status.CLOSED) {
      return;
    }
    status = Status.CONNECTING;
    if (config.transport() == GateConfig.Transport.UDP) {
      dialDatagram();
      return;
    }
    if (config.transport() == GateConfig.Transport.PROCESS) {
      startProcess();
      return;
    }
    SocketAddress address = config.transport() == GateConfig.Transport.UNIX
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
      // Still in the connect callback, on the socket's context: the stages go in before any byte.
      connected(ar.result());
    });
  }

  /**
   * UDP: a socket connected to the server (it hears only from it, and learns from ICMP when
   * nobody listens), its one peer channel with the link's pipeline; the keyword goes out with
   * retries (ClientHandshake). The socket closes with its peer.
   */
  private void dialDatagram() {
    boolean framed = config.mode() == GateConfig.Mode.FRAMED;
    int maxDatagramSize = config.endpoint().maxDatagramSize();
    DatagramSockets.resolve(vertx, config.host()).compose(address -> {
      DatagramChannel channel = DatagramSockets.newSocket(vertx, address, false, maxDatagramSize,
          config.endpoint().receiveBufferBytes(), "udp link \"" + config.name() + "\"");
      DatagramSocketHandler socket = new DatagramSocketHandler(channel, framed, maxDatagramSize,
          node.config().limits().maxKeywordLength(), 0, node.counters(), null);
      channel.pipeline().addLast("asockio-udp", socket);
      datagramSocket = channel;
      InetSocketAddress remote = new InetSocketAddress(address, config.port());
      return DatagramSockets.register(VertxChannels.eventLoop(context), channel)
          .compose(v -> DatagramSockets.connect(channel, remote))
          .map(v -> {
            channel.eventLoop().execute(() -> {
              if (status == Status.CLOSED) {
                channel.close();
                return;
              }
              DatagramPeerChannel peer = socket.dial(remote);
              peer.closeFuture().addListener(f -> channel.close());
              socket.served(peer, Pipelines.dial(node, ConnectionOrigin.link(config), peer.pipeline(),
                  ChannelEnd.NAME, context, PeerFacts.of(remote), keywordBytes(), outcome()));
            });
            return v;
          })
          .onFailure(err -> channel.close());
    }).onFailure(err -> context.runOnContext(v -> failed(LinkException.Kind.UNREACHABLE,
        "cannot connect to " + config.target() + ": " + err.getMessage())));
  }

  /**
   * A process link: the child starts on a worker thread (fork and exec block), then its
   * channel opens at once under the link's name, without a handshake.
   */
  private void startProcess() {
    ProcessCommand command = config.process();
    vertx.executeBlocking(() -> {
      ProcessBuilder builder = new ProcessBuilder(command.command());
      builder.environment().putAll(command.env());
      if (command.cwd() != null) {
        builder.directory(new java.io.File(command.cwd()));
      }
      return builder.start();
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        failed(LinkException.Kind.UNREACHABLE, "cannot start " + config.target() + ": " + ar.cause().getMessage());
        return;
      }
      ProcessChannel channel = new ProcessChannel(ar.result(), config.name(), node.config().limits().shutdownGraceMs());
      child = channel;
      channel.closeFuture().addListener(f -> {
        if (child == channel) {
          child = null;
        }
      });
      VertxChannels.eventLoop(context).register(channel).addListener(registered -> context.runOnContext(v -> {
        if (!registered.isSuccess() || status == Status.CLOSED) {
          channel.close();
          return;
        }
        channel.pipeline().addLast(ChannelEnd.NAME, ChannelEnd.INSTANCE);
        LOG.info(() -> "link " + config.name() + " started process " + channel.pid() + " " + command.command());
        Pipelines.dial(node, ConnectionOrigin.link(config), channel.pipeline(), ChannelEnd.NAME, context,
            PeerFacts.of("process " + channel.pid()), null, outcome());
        channel.start();
      }));
    });
  }

  private byte[] keywordBytes() {
    return config.keyword().getBytes(StandardCharsets.UTF_8);
  }

  private void connected(NetSocket socket) {
    ChannelHandlerContext vertxHandler = VertxChannels.handlerContext(socket);
    // On stop the connection closes itself (stop() asks it to): Vert.x waits for that, up to the grace time.
    socket.shutdownHandler(v -> { });
    Pipelines.dial(node, ConnectionOrigin.link(config), vertxHandler.pipeline(), vertxHandler.name(), context,
        PeerFacts.of(String.valueOf(socket.remoteAddress())), keywordBytes(), outcome());
  }

  private DialOutcome outcome() {
    return new DialOutcome() {
      @Override
      public void opened(ChannelConnection c) {
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
      public void refused(String reason) {
        failed(LinkException.Kind.REFUSED, "refused by " + config.target() + ": " + reason);
      }

      @Override
      public void unreachable(String reason) {
        failed(LinkException.Kind.UNREACHABLE, "cannot connect to " + config.target() + ": " + reason);
      }

      @Override
      public void lost(CloseReason reason) {
        connection = null;
        lastFailure = "connection lost: " + reason;
        LOG.info(() -> "link " + config.name() + " lost: " + reason);
        retryLater();
      }
    };
  }

  private void failed(LinkException.Kind kind, String message) {
    lastFailure = message;
    node.counters().count("link." + kind.name().toLowerCase());
    LOG.info(() -> "link " + config.name() + ": " + message);
    retryLater(); // first: whoever learns of the failure sees the link's next state
    firstOutcome.tryFail(new LinkException(kind, message));
  }

  // A link that will not come back must not collect messages for it.
  private void refuseOffline() {
    ClientRecord record = node.registry().byName(config.name());
    if (record != null && record.kind() == ClientKind.OUTGOING) {
      record.offlineLimits(0, 0);
      int dropped = record.dropOffline();
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
      nextOpen.tryFail(closed(lastFailure + " (reconnect is off)"));
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
