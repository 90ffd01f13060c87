package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.gate.Connection;
import io.asockio.gate.ConnectionHandler;
import io.asockio.gate.GateServices;
import io.asockio.gate.GateVerticle;
import io.asockio.gate.SendException;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A running asockio node: its gates listen, its clients are known by name and id, and
 * anything can send to them. Start one with {@link #start}; every method is thread-safe.
 *
 * <pre>{@code
 * Asockio node = Asockio.start(vertx, config).await();   // from a non-event-loop thread
 * node.send("manager", Buffer.buffer("hello"));
 * }</pre>
 */
public final class Asockio {

  private static final Logger LOG = Logger.getLogger(Asockio.class.getName());
  /** Ids for {@link SocketAddress#sharedRandomPort}: unique per gate within a Vert.x instance. */
  private static final AtomicInteger RANDOM_PORT_IDS = new AtomicInteger();

  private final Vertx vertx;
  private final AsockioConfig config;
  private final ClientRegistry<Connection> registry = new ClientRegistry<>();
  private final GateServices services;
  private final Map<String, Constructor<? extends InlineProcessor>> processors = new HashMap<>();
  private final List<String> deployments = new ArrayList<>();
  private volatile ConnectionHandler defaultHandler;

  private Asockio(Vertx vertx, AsockioConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.services = new GateServices(config, registry, this::handlerFor);
  }

  /**
   * Starts a node on {@code vertx}: checks the config, prepares Unix socket paths (removing
   * stale socket files), declares the configured clients and deploys every gate. Fails with
   * a {@link ConfigException} naming the key when something in the config cannot work.
   */
  public static Future<Asockio> start(Vertx vertx, AsockioConfig config) {
    return start(vertx, config, null);
  }

  /**
   * Like {@link #start(Vertx, AsockioConfig)}, with a handler for connections of gates that
   * have no {@code processor} (installed before the first client can connect).
   */
  public static Future<Asockio> start(Vertx vertx, AsockioConfig config, ConnectionHandler handler) {
    Asockio node = new Asockio(vertx, config);
    node.defaultHandler = handler;
    try {
      node.resolveProcessors();
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    node.reportTransport();
    config.clients().forEach(node.registry::declare);
    return vertx.executeBlocking(() -> {
      node.prepareUnixPaths();
      return null;
    }, false).compose(v -> node.deployGates()).map(v -> node)
        .recover(err -> node.stop().transform(ignored -> Future.failedFuture(err)));
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Queues a message to the client with this id; see {@link Connection#send(Buffer)} for the outcome. */
  public Future<Void> send(long clientId, Buffer message) {
    ClientRecord<Connection> record = registry.byId(clientId);
    if (record == null) {
      return Future.failedFuture(new SendException(SendException.Reason.UNKNOWN_CLIENT, "no client with id " + clientId));
    }
    return send(record, message);
  }

  /** Queues a message to the client of this name. */
  public Future<Void> send(String name, Buffer message) {
    ClientRecord<Connection> record = registry.byName(name);
    if (record == null) {
      return Future.failedFuture(new SendException(SendException.Reason.UNKNOWN_CLIENT, "no client named " + name));
    }
    return send(record, message);
  }

  /** Queues several messages to one client, in order, all or none. */
  public Future<Void> send(long clientId, List<Buffer> messages) {
    ClientRecord<Connection> record = registry.byId(clientId);
    if (record == null) {
      return Future.failedFuture(new SendException(SendException.Reason.UNKNOWN_CLIENT, "no client with id " + clientId));
    }
    Connection connection = record.connection();
    return connection == null ? notConnected(record) : connection.send(messages);
  }

  private Future<Void> send(ClientRecord<Connection> record, Buffer message) {
    Connection connection = record.connection();
    return connection == null ? notConnected(record) : connection.send(message);
  }

  private static Future<Void> notConnected(ClientRecord<Connection> record) {
    return Future.failedFuture(new SendException(SendException.Reason.NOT_CONNECTED,
        "client " + record.name() + " is not connected"));
  }

  // ---- clients ----------------------------------------------------------------------------

  /** Declares an expected client (before or after it connects); its id is kept across reconnects. */
  public ClientInfo addClient(String name) {
    return ClientInfo.of(registry.declare(name));
  }

  /** Forgets a client and closes its connection, if any. Returns whether it was known. */
  public boolean removeClient(String name) {
    ClientRecord<Connection> record = registry.remove(name);
    if (record == null) {
      return false;
    }
    Connection connection = record.connection();
    if (connection != null) {
      connection.close("client removed");
    }
    return true;
  }

  /** A snapshot of every known client. */
  public List<ClientInfo> clients() {
    List<ClientInfo> list = new ArrayList<>();
    registry.records().forEach(r -> list.add(ClientInfo.of(r)));
    return list;
  }

  /** The client of this name, or null. */
  public ClientInfo client(String name) {
    ClientRecord<Connection> record = registry.byName(name);
    return record == null ? null : ClientInfo.of(record);
  }

  /** The client with this id, or null. */
  public ClientInfo client(long id) {
    ClientRecord<Connection> record = registry.byId(id);
    return record == null ? null : ClientInfo.of(record);
  }

  // ---- node -------------------------------------------------------------------------------

  /** The TCP port a gate listens on (resolves port 0), or -1. */
  public int port(String gateName) {
    return services.boundPort(gateName);
  }

  public AsockioConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Counters by reason: {@code opened}, {@code closed}, {@code refused.<reason>}, {@code takeover}, ... */
  public Map<String, Long> counters() {
    return services.counters();
  }

  /** Stops every gate; connections are closed. */
  public Future<Void> stop() {
    List<Future<?>> undeployed = new ArrayList<>();
    synchronized (deployments) {
      deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
      deployments.clear();
    }
    return Future.join(undeployed).mapEmpty();
  }

  // ---- internals --------------------------------------------------------------------------

  private ConnectionHandler handlerFor(ClientRecord<Connection> record, GateConfig gate) {
    if (gate.processor() != null) {
      try {
        return new ProcessorHandler(processors.get(gate.processor()).newInstance());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create processor " + gate.processor(), e);
      }
    }
    ConnectionHandler handler = defaultHandler;
    return handler != null ? handler : DroppingHandler.INSTANCE;
  }

  private void resolveProcessors() {
    for (int i = 0; i < config.gates().size(); i++) {
      String className = config.gates().get(i).processor();
      if (className == null || processors.containsKey(className)) {
        continue;
      }
      String key = "gates[" + i + "].processor";
      try {
        Class<?> type = Class.forName(className);
        if (!InlineProcessor.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
          throw new ConfigException(key, className + " is not a concrete subclass of " + InlineProcessor.class.getName());
        }
        Constructor<? extends InlineProcessor> constructor = type.asSubclass(InlineProcessor.class).getConstructor();
        processors.put(className, constructor);
      } catch (ClassNotFoundException e) {
        throw new ConfigException(key, "class " + className + " not found");
      } catch (NoSuchMethodException e) {
        throw new ConfigException(key, className + " has no public no-argument constructor");
      }
    }
  }

  private void reportTransport() {
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

  // Blocking file-system work: runs on a worker thread.
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
      if (!(mode instanceof Integer) || (((Integer) mode) & 0170000) != 0140000) {
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

  private Future<Void> deployGates() {
    Future<Void> chain = Future.succeededFuture();
    for (GateConfig gate : config.gates()) {
      chain = chain.compose(v -> deployGate(gate));
    }
    return chain;
  }

  private Future<Void> deployGate(GateConfig gate) {
    SocketAddress address;
    if (gate.transport() == GateConfig.Transport.UNIX) {
      address = SocketAddress.domainSocketAddress(gate.path());
    } else if (gate.port() == 0) {
      address = SocketAddress.sharedRandomPort(RANDOM_PORT_IDS.incrementAndGet(), gate.host());
    } else {
      address = SocketAddress.inetSocketAddress(gate.port(), gate.host());
    }
    AtomicInteger instances = new AtomicInteger();
    return vertx.deployVerticle(() -> new GateVerticle(services, gate, instances.getAndIncrement(), address),
            new DeploymentOptions().setInstances(gate.instances()))
        .onSuccess(id -> {
          synchronized (deployments) {
            deployments.add(id);
          }
          LOG.info("gate " + gate.name() + " listening on " + describe(gate) + " (" + gate.mode().name().toLowerCase()
              + ", " + gate.instances() + " instance" + (gate.instances() == 1 ? "" : "s")
              + (gate.reusePort() ? ", reusePort" : "") + ")");
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("gate " + gate.name() + " cannot listen on "
            + describe(gate) + ": " + err.getMessage(), err)))
        .mapEmpty();
  }

  private String describe(GateConfig gate) {
    return gate.transport() == GateConfig.Transport.UNIX ? gate.endpoint()
        : gate.withPort(Math.max(gate.port(), port(gate.name()))).endpoint();
  }

  /** Handler of connections nobody asked to handle: counts and drops, with one warning per connection. */
  private static final class DroppingHandler implements ConnectionHandler {
    static final DroppingHandler INSTANCE = new DroppingHandler();

    @Override
    public void onOpen(Connection connection) {
      LOG.warning(() -> "no processor or handler for " + connection.describe() + ": its messages are dropped");
    }

    @Override
    public void onMessage(Connection connection, Buffer data) {
      // dropped on purpose: nobody registered to receive them (warned at open)
    }
  }
}
