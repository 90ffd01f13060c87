package io.asockio.api;

import io.asockio.client.ClientLink;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.TlsConfig;
import io.asockio.security.AccessRules;
import io.asockio.gate.Connection;
import io.asockio.gate.ConnectionHandler;
import io.asockio.gate.GateServices;
import io.asockio.gate.GateVerticle;
import io.asockio.gate.SendException;
import io.asockio.registry.ClientKind;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;

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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
  private final Map<String, Supplier<? extends InlineProcessor>> processorClasses = new HashMap<>();
  // Processors attached by API, by gate/link name and by client name; they win over config.
  private final Map<String, Supplier<? extends InlineProcessor>> gateProcessors = new ConcurrentHashMap<>();
  private final Map<String, Supplier<? extends InlineProcessor>> clientProcessors = new ConcurrentHashMap<>();
  private final Map<String, String> clientDeliveries = new ConcurrentHashMap<>();
  private final Map<String, String> gateDeliveries = new ConcurrentHashMap<>();
  // Stream thresholds of bus deliveries, by address (-1: no streaming).
  private final Map<String, Long> deliveryStreams = new ConcurrentHashMap<>();
  private final Map<String, ConnectionHandler> deliveryHandlers = new ConcurrentHashMap<>();
  private final NodeBus bus;
  private final Map<String, ClientLink> links = new ConcurrentHashMap<>();
  private final Map<String, String> linkDeployments = new ConcurrentHashMap<>();
  private final List<String> deployments = new ArrayList<>();
  private volatile ConnectionHandler defaultHandler;

  private Asockio(Vertx vertx, AsockioConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.services = new GateServices(config, registry, this::handlerFor);
    this.bus = new NodeBus(this, vertx);
    services.observer(bus);
    config.clients().stream().filter(c -> c.deliverTo() != null).forEach(c -> clientDeliveries.put(c.name(), c.deliverTo()));
    config.gates().stream().filter(g -> g.deliverTo() != null).forEach(g -> gateDeliveries.put(g.name(), g.deliverTo()));
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
    return startWith(vertx, config, node -> node.handler(handler));
  }

  /**
   * Starts a node after {@code setup} has seen it, before any gate listens: the place to
   * attach processors and handlers by API so that no connection can arrive before them.
   *
   * <pre>{@code
   * Asockio.startWith(vertx, config, node -> node.gateProcessor("http", Http::new));
   * }</pre>
   */
  public static Future<Asockio> startWith(Vertx vertx, AsockioConfig config, Consumer<Asockio> setup) {
    Asockio node = new Asockio(vertx, config);
    try {
      setup.accept(node);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    try {
      node.resolveProcessors();
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    node.reportTransport();
    config.clients().forEach(c -> node.declare(c.name()));
    node.bus.start();
    return vertx.executeBlocking(() -> {
      node.checkTlsFiles();
      node.prepareUnixPaths();
      return null;
    }, false).compose(v -> node.deployGates())
        .compose(v -> {
          config.links().forEach(node::link);
          return Future.succeededFuture(node);
        })
        .recover(err -> node.stop().transform(ignored -> Future.failedFuture(err)));
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Queues a message to the client with this id; see {@link Connection#send(Buffer)} for the outcome. */
  public Future<Void> send(long clientId, Buffer message) {
    ClientRecord<Connection> record = registry.byId(clientId);
    return record == null ? unknown("with id " + clientId) : send(record, message);
  }

  /** Queues a message to the client of this name. */
  public Future<Void> send(String name, Buffer message) {
    ClientRecord<Connection> record = registry.byName(name);
    return record == null ? unknown("named " + name) : send(record, message);
  }

  /** Queues several messages to one client, in order, all or none. */
  public Future<Void> send(long clientId, List<Buffer> messages) {
    return withConnection(registry.byId(clientId), "with id " + clientId, c -> c.send(messages));
  }

  /**
   * Sends the messages of {@code source} to one client in order, pulling each only when the
   * socket can take it (a generator of any length never sits in memory). The future
   * completes when the source is exhausted.
   */
  public Future<Void> sendAll(long clientId, Iterator<Buffer> source) {
    return withConnection(registry.byId(clientId), "with id " + clientId, c -> c.sendAll(source));
  }

  /**
   * Sends one message whose body comes from {@code source}, with its declared length (up to
   * 2^64-1 bytes, unsigned), piped with back-pressure; see {@link Connection#sendStream}.
   */
  public Future<Void> sendStream(long clientId, ReadStream<Buffer> source, long length) {
    return withConnection(registry.byId(clientId), "with id " + clientId, c -> c.sendStream(source, length));
  }

  /** Like {@link #sendStream(long, ReadStream, long)}, to a client by name. */
  public Future<Void> sendStream(String name, ReadStream<Buffer> source, long length) {
    return withConnection(registry.byName(name), "named " + name, c -> c.sendStream(source, length));
  }

  private static Future<Void> withConnection(ClientRecord<Connection> record, String which,
                                             java.util.function.Function<Connection, Future<Void>> action) {
    if (record == null) {
      return unknown(which);
    }
    Connection connection = record.connection();
    return connection == null ? notConnected(record) : action.apply(connection);
  }

  private static Future<Void> unknown(String which) {
    return Future.failedFuture(new SendException(SendException.Reason.UNKNOWN_CLIENT, "no client " + which));
  }

  private Future<Void> send(ClientRecord<Connection> record, Buffer message) {
    Connection connection = record.connection();
    if (connection != null) {
      return connection.send(message);
    }
    switch (record.offerOffline(message)) {
      case QUEUED:
        return Future.succeededFuture();
      case CONNECTED:
        return record.connection().send(message);
      case FULL:
        return Future.failedFuture(new SendException(SendException.Reason.OUTPUT_FULL, "client " + record.name()
            + " is not connected and its offline queue is full (" + record.offlineCount() + " messages)"));
      default:
        return notConnected(record);
    }
  }

  private static Future<Void> notConnected(ClientRecord<Connection> record) {
    return Future.failedFuture(new SendException(SendException.Reason.NOT_CONNECTED,
        "client " + record.name() + " is not connected"));
  }

  // ---- clients ----------------------------------------------------------------------------

  /** Declares an expected client (before or after it connects); its id is kept across reconnects. */
  public ClientInfo addClient(String name) {
    return ClientInfo.of(declare(name));
  }

  private ClientRecord<Connection> declare(String name) {
    ClientRecord<Connection> record = registry.declare(name);
    record.offlineLimits(config.limits().offlineQueueMessages(), config.limits().offlineQueueBytes());
    return record;
  }

  /** Forgets a client and closes its connection, if any. Returns whether it was known. */
  public boolean removeClient(String name) {
    ClientRecord<Connection> record = registry.byName(name);
    return record != null && removeClient(record.id());
  }

  /** Forgets the client with this id and closes its connection, if any. Returns whether it was known. */
  public boolean removeClient(long id) {
    ClientRecord<Connection> record = registry.byId(id);
    if (record == null || registry.remove(record.name()) != record) {
      return false;
    }
    Connection connection = record.connection();
    if (connection != null) {
      connection.close("client removed");
    }
    return true;
  }

  /** The live connection of a client by name, or null. */
  public Connection connectionByName(String name) {
    ClientRecord<Connection> record = registry.byName(name);
    return record == null ? null : record.connection();
  }

  /**
   * Delivers the messages of a named client to an event-bus address (when no processor
   * serves it), with headers {@value BusAddresses#HEADER_CLIENT} and {@value BusAddresses#HEADER_ID};
   * the consumer replies to each to let more come ({@code limits.busDeliveryWindow}).
   */
  public Asockio clientDelivery(String clientName, String address) {
    clientDeliveries.put(clientName, address);
    return this;
  }

  /** Like {@link #clientDelivery}, for every client of a gate (or link). */
  public Asockio gateDelivery(String gateName, String address) {
    gateDeliveries.put(gateName, address);
    return this;
  }

  /**
   * Streams, to a bus address, the messages longer than {@code threshold} bytes (and any over
   * {@code limits.maxMessageSize}) as chunk messages (see {@link BusAddresses}) instead of
   * refusing them. Set it before clients connect.
   */
  public Asockio streamDeliveriesAbove(String address, long threshold) {
    deliveryStreams.put(address, threshold);
    return this;
  }

  /** This node's id: the cluster node id, or {@code local}. */
  public String nodeId() {
    return bus.nodeId();
  }

  /** The connected clients of the whole cluster (or of this Vert.x), in SharedData. */
  public io.asockio.registry.ClientDirectory directory() {
    return bus.directory();
  }

  /** The live connection of a client, or null (for closing, raw switching, pausing). */
  public Connection connection(long id) {
    ClientRecord<Connection> record = registry.byId(id);
    return record == null ? null : record.connection();
  }

  /**
   * Attaches an {@link InlineProcessor} to the connections of a named client (they win over
   * the gate's processor). Applies from its next connection.
   */
  public Asockio clientProcessor(String clientName, Supplier<? extends InlineProcessor> processor) {
    clientProcessors.put(clientName, processor);
    return this;
  }

  /** Attaches an {@link InlineProcessor} to every new connection of a gate (or link) by its name. */
  public Asockio gateProcessor(String gateName, Supplier<? extends InlineProcessor> processor) {
    gateProcessors.put(gateName, processor);
    return this;
  }

  /** Sets the handler of connections that have no processor. */
  public Asockio handler(ConnectionHandler handler) {
    this.defaultHandler = handler;
    return this;
  }

  // ---- client role ------------------------------------------------------------------------

  /**
   * Dials out (client role) and keeps the link up as configured. Its connection joins this
   * node's clients under {@code link.name()}; messages sent to that name while it is down
   * are kept up to {@code link.offlineQueueMessages()}.
   */
  public ClientLink link(LinkConfig link) {
    ClientRecord<Connection> record = registry.declare(link.name(), ClientKind.OUTGOING);
    record.offlineLimits(link.offlineQueueMessages(), config.limits().offlineQueueBytes());
    if (link.processor() != null && !gateProcessors.containsKey(link.name())) {
      Supplier<? extends InlineProcessor> supplier = processorClasses.get(link.processor());
      if (supplier == null) {
        supplier = resolveProcessor(link.processor(), "links[" + link.name() + "].processor");
      }
      gateProcessors.put(link.name(), supplier);
    }
    ClientLink clientLink = new ClientLink(services, link);
    if (links.putIfAbsent(link.name(), clientLink) != null) {
      throw new IllegalStateException("a link named " + link.name() + " exists already");
    }
    vertx.deployVerticle(clientLink).onSuccess(id -> linkDeployments.put(link.name(), id));
    return clientLink;
  }

  /** The link of this name, or null. */
  public ClientLink link(String name) {
    return links.get(name);
  }

  /** Closes a link: its connection is closed and it stops reconnecting. */
  public Future<Void> unlink(String name) {
    links.remove(name);
    String id = linkDeployments.remove(name);
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
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

  /** The access rules in force. */
  public AccessRules accessRules() {
    return services.access();
  }

  /**
   * Replaces the access rules, checked whole first: on any error nothing changes and the
   * {@link ConfigException} names the key. Connected clients stay; the rules apply to the
   * next handshakes.
   */
  public void reloadAccess(AccessRules rules) {
    AsockioConfig.checkRuleGates(rules, config.gates());
    services.access(rules);
    LOG.info("access rules reloaded: " + rules.named().rules().size() + " named, " + rules.anonymous().rules().size()
        + " anonymous");
  }

  /** Like {@link #reloadAccess(AccessRules)}, from the JSON of an {@code access} section. */
  public void reloadAccess(io.vertx.core.json.JsonObject accessJson) {
    reloadAccess(io.asockio.config.AccessConfig.fromJson(accessJson, "access"));
  }

  /** Stops: this node's directory records go first, then every gate and link; connections are closed. */
  public Future<Void> stop() {
    return bus.stop().transform(ignored -> stopGatesAndLinks());
  }

  private Future<Void> stopGatesAndLinks() {
    List<Future<?>> undeployed = new ArrayList<>();
    synchronized (deployments) {
      deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
      deployments.clear();
    }
    new ArrayList<>(links.keySet()).forEach(name -> undeployed.add(unlink(name)));
    return Future.join(undeployed).mapEmpty();
  }

  // ---- internals --------------------------------------------------------------------------

  // Per client name first (processor, then bus delivery), then per gate (processor by API, by config,
  // then bus delivery), then the node's handler.
  private ConnectionHandler handlerFor(ClientRecord<Connection> record, GateConfig gate) {
    Supplier<? extends InlineProcessor> processor = clientProcessors.get(record.name());
    String delivery = processor == null ? clientDeliveries.get(record.name()) : null;
    if (processor == null && delivery == null) {
      processor = gateProcessors.get(gate.name());
      if (processor == null && gate.processor() != null) {
        processor = processorClasses.get(gate.processor());
      }
      if (processor == null) {
        delivery = gateDeliveries.get(gate.name());
      }
    }
    if (processor != null) {
      return new ProcessorHandler(processor.get());
    }
    if (delivery != null) {
      return deliveryHandlers.computeIfAbsent(delivery, a -> bus.delivery(a, deliveryStreams.getOrDefault(a, -1L)));
    }
    ConnectionHandler handler = defaultHandler;
    return handler != null ? handler : DroppingHandler.INSTANCE;
  }

  private void resolveProcessors() {
    for (int i = 0; i < config.gates().size(); i++) {
      String className = config.gates().get(i).processor();
      if (className != null && !processorClasses.containsKey(className)) {
        processorClasses.put(className, resolveProcessor(className, "gates[" + i + "].processor"));
      }
    }
    for (int i = 0; i < config.clients().size(); i++) {
      String className = config.clients().get(i).processor();
      if (className != null) {
        clientProcessors.put(config.clients().get(i).name(), resolveProcessor(className, "clients[" + i + "].processor"));
      }
    }
    for (int i = 0; i < config.links().size(); i++) {
      String className = config.links().get(i).processor();
      if (className != null) {
        gateProcessors.put(config.links().get(i).name(), resolveProcessor(className, "links[" + i + "].processor"));
      }
    }
  }

  private static Supplier<? extends InlineProcessor> resolveProcessor(String className, String key) {
    try {
      Class<?> type = Class.forName(className);
      if (!InlineProcessor.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
        throw new ConfigException(key, className + " is not a concrete subclass of " + InlineProcessor.class.getName());
      }
      Constructor<? extends InlineProcessor> constructor = type.asSubclass(InlineProcessor.class).getConstructor();
      return () -> {
        try {
          return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create processor " + className, e);
        }
      };
    } catch (ClassNotFoundException e) {
      throw new ConfigException(key, "class " + className + " not found");
    } catch (NoSuchMethodException e) {
      throw new ConfigException(key, className + " has no public no-argument constructor");
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
  private void checkTlsFiles() {
    for (int i = 0; i < config.gates().size(); i++) {
      TlsConfig tls = config.gates().get(i).tls();
      if (tls != null) {
        checkFiles(tls.files("gates[" + i + "].tls"));
      }
    }
    for (int i = 0; i < config.links().size(); i++) {
      TlsConfig tls = config.links().get(i).tls();
      if (tls != null) {
        checkFiles(tls.files("links[" + i + "].tls"));
      }
    }
  }

  private static void checkFiles(List<String[]> files) {
    for (String[] keyAndPath : files) {
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
    public boolean wantsDrained() {
      return false;
    }

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
