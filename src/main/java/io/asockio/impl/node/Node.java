package io.asockio.impl.node;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.ClientDirectory;
import io.asockio.api.ClientInfo;
import io.asockio.api.ClientKind;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.InlineProcessor;
import io.asockio.api.Link;
import io.asockio.config.AccessConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.LinkConfig;
import io.asockio.impl.bus.NodeBus;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.ClientRouter;
import io.asockio.impl.core.HandlerRoutes;
import io.asockio.impl.core.NodeConnection;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Processors;
import io.asockio.impl.link.LinkVerticle;
import io.asockio.impl.vertx.CallerLoop;
import io.asockio.security.AccessRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A running node: the {@link Asockio} users hold. It wires the parts together and
 * delegates: routes decide who serves a connection, the router sends, the bus parts publish
 * and consume, the startup deploys the gates, link verticles dial.
 */
public final class Node implements Asockio {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final Vertx vertx;
  private final AsockioConfig config;
  private final ClientRegistry registry = new ClientRegistry();
  private final ClientRouter router;
  private final HandlerRoutes routes;
  private final NodeContext context;
  private final NodeStartup startup;
  private final Map<String, LinkVerticle> links = new ConcurrentHashMap<>();
  private final Map<String, String> linkDeployments = new ConcurrentHashMap<>();
  private final List<String> deployments = new ArrayList<>();
  private final Map<String, Long> deliveryStreamThresholds = new ConcurrentHashMap<>();
  private NodeBus bus;
  private ClusterManager clusterManager;
  private NodeAdmin admin;

  private Node(Vertx vertx, AsockioConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.routes = new HandlerRoutes(address -> bus.delivery(address));
    this.context = new NodeContext(config, registry, routes);
    this.router = new ClientRouter(registry, context.counters());
    this.startup = new NodeStartup(vertx, config, context);
    this.clusterManager = Clustering.managerOf(vertx);
    config.clients().stream().filter(c -> c.deliverTo() != null).forEach(c -> routes.clientDelivery(c.name(), c.deliverTo()));
    config.gates().stream().filter(g -> g.deliverTo() != null).forEach(g -> routes.gateDelivery(g.name(), g.deliverTo()));
  }

  /** See {@link Asockio#startWith}. */
  public static Future<Node> start(Vertx vertx, AsockioConfig config, Consumer<Asockio> setup) {
    Node node = new Node(vertx, config);
    try {
      setup.accept(node);
      node.startup.resolveProcessors(node.routes);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (vertx.isClustered() && node.clusterManager == null) {
      LOG.warning("this Vert.x is clustered but asockio was not given its cluster manager (Asockio.vertx builds one that it"
          + " knows, or call clusterManager(...) in startWith's setup): clients of nodes that die are not swept");
    }
    long heldInputBudget = config.limits().heldInputBudget();
    if (config.limits().maxMessageSize() > heldInputBudget) {
      LOG.warning("limits.maxMessageSize (" + config.limits().maxMessageSize() + " bytes) is over the held-input budget ("
          + heldInputBudget + " bytes, limits.maxHeldInputBytes or half the direct-memory limit): a message that large is"
          + " read only while no other partial message is held");
    }
    node.bus = new NodeBus(vertx, node.context, node.router, node.clusterManager, node.deliveryStreamThresholds);
    node.admin = new NodeAdmin(node, vertx, config, node.context, node.clusterManager);
    node.admin.bindMetrics(node.bus::deliveriesInFlight);
    node.startup.reportTransport();
    config.clients().forEach(c -> node.declare(c.name()));
    node.bus.start();
    return node.startup.prepareFiles()
        .compose(v -> node.startup.deployGates(id -> {
          synchronized (node.deployments) {
            node.deployments.add(id);
          }
        }))
        .compose(v -> node.admin.start())
        .compose(v -> {
          config.links().forEach(node::link);
          LOG.info(() -> "node " + node.nodeId() + " started: " + node.startup.summary()
              + (config.links().isEmpty() ? "" : ", " + config.links().size() + " link(s)"));
          return Future.succeededFuture(node);
        })
        .recover(err -> node.stop().transform(ignored -> Future.failedFuture(err)));
  }

  // ---- sending ----------------------------------------------------------------------------

  @Override
  public Future<Void> send(long clientId, Buffer message) {
    return router.send(clientId, message);
  }

  @Override
  public Future<Void> send(String name, Buffer message) {
    return bus == null ? router.send(name, message) : bus.send(name, message); // bus: set once started
  }

  @Override
  public Future<Void> send(long clientId, List<Buffer> messages) {
    return router.withConnection(clientId, c -> c.send(messages));
  }

  @Override
  public Future<Void> sendAll(long clientId, Iterator<Buffer> source) {
    return router.withConnection(clientId, c -> c.sendAll(source));
  }

  @Override
  public Future<Void> sendStream(long clientId, ReadStream<Buffer> source, long length) {
    return router.withConnection(clientId, c -> c.sendStream(source, length));
  }

  @Override
  public Future<Void> sendStream(String name, ReadStream<Buffer> source, long length) {
    return router.withConnection(name, c -> c.sendStream(source, length));
  }

  // ---- clients ----------------------------------------------------------------------------

  @Override
  public ClientInfo addClient(String name) {
    return info(declare(name));
  }

  private ClientRecord declare(String name) {
    ClientRecord record = registry.declare(name);
    record.offlineLimits(config.limits().offlineQueueMessages(), config.limits().offlineQueueBytes());
    return record;
  }

  @Override
  public boolean removeClient(String name) {
    ClientRecord record = registry.byName(name);
    return record != null && removeClient(record.id());
  }

  @Override
  public boolean removeClient(long id) {
    ClientRecord record = registry.byId(id);
    if (record == null || registry.remove(record.name()) != record) {
      return false;
    }
    NodeConnection connection = record.connection();
    if (connection != null) {
      connection.close(CloseReason.of(CloseCause.CLIENT_REMOVED));
    }
    return true;
  }

  @Override
  public List<ClientInfo> clients() {
    List<ClientInfo> list = new ArrayList<>();
    registry.records().forEach(r -> list.add(info(r)));
    return list;
  }

  @Override
  public ClientInfo client(String name) {
    ClientRecord record = registry.byName(name);
    return record == null ? null : info(record);
  }

  @Override
  public ClientInfo client(long id) {
    ClientRecord record = registry.byId(id);
    return record == null ? null : info(record);
  }

  private static ClientInfo info(ClientRecord record) {
    ClientConnection c = record.connection();
    if (c == null) {
      return new ClientInfo(record.id(), record.name(), record.kind(), false, null, null, null, -1);
    }
    return new ClientInfo(record.id(), record.name(), record.kind(), true, c.gateName(), c.transportName(),
        c.remoteAddress(), c.instance());
  }

  @Override
  public ClientConnection connection(String name) {
    ClientRecord record = registry.byName(name);
    return record == null ? null : record.connection();
  }

  @Override
  public ClientConnection connection(long id) {
    ClientRecord record = registry.byId(id);
    return record == null ? null : record.connection();
  }

  @Override
  public ClientDirectory directory() {
    return bus.directory();
  }

  @Override
  public String nodeId() {
    return bus.nodeId();
  }

  // ---- who serves connections -------------------------------------------------------------

  @Override
  public Asockio clientProcessor(String clientName, Supplier<? extends InlineProcessor> processor) {
    routes.clientProcessor(clientName, processor);
    return this;
  }

  @Override
  public Asockio gateProcessor(String gateName, Supplier<? extends InlineProcessor> processor) {
    routes.gateProcessor(gateName, processor);
    return this;
  }

  @Override
  public Asockio clientDelivery(String clientName, String address) {
    routes.clientDelivery(clientName, address);
    return this;
  }

  @Override
  public Asockio gateDelivery(String gateName, String address) {
    routes.gateDelivery(gateName, address);
    return this;
  }

  @Override
  public Asockio streamDeliveriesAbove(String address, long threshold) {
    deliveryStreamThresholds.put(address, threshold);
    return this;
  }

  @Override
  public Asockio handler(ConnectionHandler handler) {
    routes.nodeHandler(handler);
    return this;
  }

  /** Puts the connections of plain gates on a poller's own {@code loop}; in startWith's setup. */
  public void plainGatesOn(CallerLoop loop) {
    context.plainGatesOn(loop);
  }

  @Override
  public Asockio clusterManager(ClusterManager manager) {
    if (bus != null) {
      throw new IllegalStateException("the cluster manager is given before the node starts (in startWith's setup)");
    }
    this.clusterManager = manager;
    return this;
  }

  // ---- client role ------------------------------------------------------------------------

  @Override
  public Link link(LinkConfig link) {
    ClientRecord record = registry.declare(link.name(), ClientKind.OUTGOING);
    record.offlineLimits(link.offlineQueueMessages(), config.limits().offlineQueueBytes());
    if (link.processor() != null && !routes.hasGateProcessor(link.name()) && !routes.knowsProcessorClass(link.processor())) {
      routes.processorClass(link.processor(), Processors.resolve(link.processor(), "links[" + link.name() + "].processor"));
    }
    LinkVerticle verticle = new LinkVerticle(context, link);
    if (links.putIfAbsent(link.name(), verticle) != null) {
      throw new IllegalStateException("a link named " + link.name() + " exists already");
    }
    vertx.deployVerticle(verticle).onSuccess(id -> linkDeployments.put(link.name(), id));
    return verticle;
  }

  @Override
  public Link link(String name) {
    return links.get(name);
  }

  @Override
  public Future<Void> unlink(String name) {
    links.remove(name);
    String id = linkDeployments.remove(name);
    return id == null ? Future.succeededFuture() : undeploy(id);
  }

  // ---- the node ---------------------------------------------------------------------------

  @Override
  public int port(String gateName) {
    return startup.port(gateName);
  }

  @Override
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  @Override
  public AsockioConfig config() {
    return config;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public Map<String, Long> counters() {
    return context.counters().snapshot();
  }

  @Override
  public AccessRules accessRules() {
    return context.access();
  }

  @Override
  public void reloadAccess(AccessRules rules) {
    AsockioConfig.checkRuleGates(rules, config.gates());
    context.access(rules);
    LOG.info("access rules reloaded: " + rules.named().rules().size() + " named, " + rules.anonymous().rules().size()
        + " anonymous");
  }

  @Override
  public void reloadAccess(JsonObject accessJson) {
    reloadAccess(AccessConfig.fromJson(accessJson, "access"));
  }

  @Override
  public Future<Void> stop() {
    if (admin != null) {
      admin.stopping(); // not ready from now on; the admin API itself stops last
    }
    Future<Void> busStopped = bus == null ? Future.succeededFuture() : bus.stop();
    return busStopped.transform(ignored -> stopGatesAndLinks())
        .transform(ignored -> admin == null ? Future.<Void>succeededFuture() : admin.stop())
        .onComplete(ar -> LOG.info(() -> "node " + (bus == null ? "" : bus.nodeId() + " ") + "stopped"
            + (ar.failed() ? " with an error: " + ar.cause().getMessage() : "")));
  }

  private Future<Void> stopGatesAndLinks() {
    List<Future<?>> undeployed = new ArrayList<>();
    synchronized (deployments) {
      deployments.forEach(id -> undeployed.add(undeploy(id)));
      deployments.clear();
    }
    new ArrayList<>(links.keySet()).forEach(name -> undeployed.add(unlink(name)));
    return Future.join(undeployed).mapEmpty();
  }

  // Deployed from a verticle (AsockioVerticle), the gates are its children: Vert.x may have
  // undeployed them already, which is not an error here.
  private Future<Void> undeploy(String id) {
    return vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture();
  }
}
