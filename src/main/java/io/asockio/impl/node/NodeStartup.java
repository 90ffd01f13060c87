package io.asockio.impl.node;

import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.config.TlsConfig;
import io.asockio.impl.core.HandlerRoutes;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Processors;
import io.asockio.impl.gate.DatagramGateVerticle;
import io.asockio.impl.gate.GateVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

import java.io.IOException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What a node does before it serves: resolves processor classes named in the config, checks
 * TLS files, prepares Unix socket paths (a stale socket file is removed, a live one never
 * taken over) and deploys each gate's verticle instances. The file work runs on a worker.
 */
final class NodeStartup {

  private static final Logger LOG = Logger.getLogger(NodeStartup.class.getName());
  /** Ids for {@link SocketAddress#sharedRandomPort}: unique per gate within a Vert.x instance. */
  private static final AtomicInteger RANDOM_PORT_IDS = new AtomicInteger();
  /** Mask and value of a socket in a file mode (S_IFMT, S_IFSOCK). */
  private static final int FILE_TYPE_MASK = 0170000;
  private static final int SOCKET_FILE = 0140000;

  private final Vertx vertx;
  private final AsockioConfig config;
  private final NodeContext node;
  private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();

  NodeStartup(Vertx vertx, AsockioConfig config, NodeContext node) {
    this.vertx = vertx;
    this.config = config;
    this.node = node;
  }

  /** Processor classes of gates, clients and links, resolved once; a ConfigException names the key. */
  void resolveProcessors(HandlerRoutes routes) {
    for (int i = 0; i < config.gates().size(); i++) {
      String className = config.gates().get(i).processor();
      if (className != null && !routes.knowsProcessorClass(className)) {
        routes.processorClass(className, Processors.resolve(className, "gates[" + i + "].processor"));
      }
    }
    for (int i = 0; i < config.clients().size(); i++) {
      String className = config.clients().get(i).processor();
      if (className != null) {
        routes.clientProcessor(config.clients().get(i).name(), Processors.resolve(className, "clients[" + i + "].processor"));
      }
    }
    for (int i = 0; i < config.links().size(); i++) {
      String className = config.links().get(i).processor();
      if (className != null && !routes.knowsProcessorClass(className)) {
        routes.processorClass(className, Processors.resolve(className, "links[" + i + "].processor"));
      }
    }
  }

  /** Checks TLS files and prepares Unix socket paths, on a worker thread. */
  Future<Void> prepareFiles() {
    return vertx.executeBlocking(() -> {
      checkTlsFiles();
      prepareUnixPaths();
      return null;
    }, false);
  }

  private void checkTlsFiles() {
    for (int i = 0; i < config.gates().size(); i++) {
      checkFiles(config.gates().get(i).tls(), "gates[" + i + "].tls");
    }
    for (int i = 0; i < config.links().size(); i++) {
      checkFiles(config.links().get(i).tls(), "links[" + i + "].tls");
    }
  }

  private static void checkFiles(TlsConfig tls, String key) {
    if (tls == null) {
      return;
    }
    for (String[] keyAndPath : tls.files(key)) {
      if (!Files.isReadable(Path.of(keyAndPath[1]))) {
        throw new ConfigException(keyAndPath[0], "cannot read " + keyAndPath[1]);
      }
    }
  }

  private void prepareUnixPaths() throws IOException {
    for (int i = 0; i < config.gates().size(); i++) {
      GateConfig gate = config.gates().get(i);
      if (gate.transport() != GateConfig.Transport.UNIX) {
        continue;
      }
      Path path = Path.of(gate.path()).toAbsolutePath();
      String key = "gates[" + i + "].path";
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (!(mode instanceof Integer) || (((Integer) mode) & FILE_TYPE_MASK) != SOCKET_FILE) {
        throw new ConfigException(key, path + " exists and is not a socket; not removing it");
      }
      try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        throw new ConfigException(key, "another process is listening on " + path);
      } catch (SocketException stale) {
        // Nobody accepts on it: a leftover of a killed process.
        LOG.info("removing stale Unix socket file " + path);
        Files.deleteIfExists(path);
      }
    }
  }

  /** Deploys every gate, one after the other; each deployment id goes to {@code deployed}. */
  Future<Void> deployGates(Consumer<String> deployed) {
    Future<Void> chain = Future.succeededFuture();
    for (GateConfig gate : config.gates()) {
      chain = chain.compose(v -> deployGate(gate, deployed));
    }
    return chain;
  }

  private Future<Void> deployGate(GateConfig gate, Consumer<String> deployed) {
    if (gate.transport() == GateConfig.Transport.UDP) {
      return deployDatagramGate(gate, deployed);
    }
    SocketAddress address;
    if (gate.transport() == GateConfig.Transport.UNIX) {
      address = SocketAddress.domainSocketAddress(gate.path());
    } else if (gate.port() == 0) {
      address = SocketAddress.sharedRandomPort(RANDOM_PORT_IDS.incrementAndGet(), gate.host());
    } else {
      address = SocketAddress.inetSocketAddress(gate.port(), gate.host());
    }
    AtomicInteger instances = new AtomicInteger();
    return vertx.deployVerticle(() -> new GateVerticle(node, gate, instances.getAndIncrement(), address,
            port -> boundPorts.put(gate.name(), port)), new DeploymentOptions().setInstances(gate.instances()))
        .onSuccess(id -> {
          deployed.accept(id);
          LOG.fine("gate " + gate.name() + " listening on " + describe(gate) + " (" + gate.mode().name().toLowerCase()
              + ", " + gate.instances() + " instance" + (gate.instances() == 1 ? "" : "s")
              + (gate.reusePort() ? ", reusePort" : "") + ")");
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("gate " + gate.name() + " cannot listen on "
            + describe(gate) + ": " + err.getMessage(), err)))
        .mapEmpty();
  }

  /**
   * A UDP gate: its first instance binds (port 0: the kernel picks), the others bind the same
   * port with SO_REUSEPORT, which only native epoll offers; on NIO one instance is all there can be.
   */
  private Future<Void> deployDatagramGate(GateConfig gate, Consumer<String> deployed) {
    if (gate.instances() > 1 && !vertx.isNativeTransportEnabled()) {
      return Future.failedFuture(new IllegalStateException("gate " + gate.name() + ": " + gate.instances()
          + " instances of a UDP gate share its port with SO_REUSEPORT, which needs native epoll; with NIO only one"
          + " instance can bind: set \"instances\": 1"));
    }
    boolean reusePort = gate.reusePort() || gate.instances() > 1;
    AtomicInteger instances = new AtomicInteger();
    return vertx.deployVerticle(new DatagramGateVerticle(node, gate, instances.getAndIncrement(), gate.port(), reusePort,
            port -> boundPorts.put(gate.name(), port)))
        .compose(first -> {
          deployed.accept(first);
          if (gate.instances() == 1) {
            return Future.succeededFuture();
          }
          int port = port(gate.name());
          return vertx.deployVerticle(() -> new DatagramGateVerticle(node, gate, instances.getAndIncrement(), port, true, p -> {
          }), new DeploymentOptions().setInstances(gate.instances() - 1)).onSuccess(deployed::accept).mapEmpty();
        })
        .onSuccess(v -> LOG.fine("gate " + gate.name() + " listening on " + describe(gate) + " ("
            + gate.mode().name().toLowerCase() + ", " + gate.instances() + " instance" + (gate.instances() == 1 ? "" : "s")
            + (reusePort ? ", reusePort" : "") + ")"))
        .recover(err -> Future.failedFuture(new IllegalStateException("gate " + gate.name() + " cannot listen on "
            + describe(gate) + ": " + err.getMessage(), err)))
        .mapEmpty();
  }

  /** One line for the log: each gate with where it listens. */
  String summary() {
    StringBuilder out = new StringBuilder();
    for (GateConfig gate : config.gates()) {
      out.append(out.length() == 0 ? "" : ", ").append(gate.name()).append(" on ").append(describe(gate))
          .append(" (").append(gate.mode().name().toLowerCase()).append(gate.instances() > 1 ? ", " + gate.instances() + " instances" : "")
          .append(")");
    }
    return out.length() == 0 ? "no gates" : "gates " + out;
  }

  /** The TCP or UDP port a gate listens on (resolves port 0), or -1. */
  int port(String gate) {
    return boundPorts.getOrDefault(gate, -1);
  }

  private String describe(GateConfig gate) {
    return gate.transport() == GateConfig.Transport.UNIX ? gate.endpoint().toString()
        : gate.withPort(Math.max(gate.port(), port(gate.name()))).endpoint().toString();
  }

  /** Says which transport runs, and warns when reusePort cannot work. */
  void reportTransport() {
    boolean wantsReusePort = config.gates().stream().anyMatch(GateConfig::reusePort);
    if (vertx.isNativeTransportEnabled()) {
      LOG.fine("native transport (epoll) in use");
      return;
    }
    Throwable cause = vertx.unavailableNativeTransportCause();
    LOG.info("native transport unavailable, using NIO" + (cause == null ? "" : ": " + cause));
    if (wantsReusePort) {
      LOG.warning("reusePort is set, but without native epoll SO_REUSEPORT is ignored: "
          + "several verticle instances still share the port, several processes cannot");
    }
  }
}
