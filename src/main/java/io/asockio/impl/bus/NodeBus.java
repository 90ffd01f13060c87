package io.asockio.impl.bus;

import io.asockio.api.ClientDirectory;
import io.asockio.api.ConnectionHandler;
import io.asockio.impl.core.ClientRouter;
import io.asockio.impl.core.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * asockio on the event bus and in SharedData, wired together: the directory and events
 * ({@link DirectoryPublisher}), a consumer per client ({@link ClientConsumers}), the node's
 * {@code asockio.send} ({@link SendRouter}), cluster housekeeping ({@link ClusterJanitor}) and
 * deliveries of client messages to bus addresses ({@link BusDelivery}).
 */
public final class NodeBus {

  private final Vertx vertx;
  private final NodeContext node;
  private final String nodeId;
  private final ClientDirectory directory;
  private final DirectoryPublisher publisher;
  private final ClientConsumers consumers;
  private final SendRouter sendRouter;
  private final ClusterJanitor janitor;
  private final Map<String, BusDelivery> deliveries = new ConcurrentHashMap<>();
  private final Map<String, Long> streamThresholds;

  /**
   * @param cluster          the cluster manager when clustered, else null
   * @param streamThresholds stream thresholds of bus deliveries, by address (read when a delivery is first used)
   */
  public NodeBus(Vertx vertx, NodeContext node, ClientRouter router, ClusterManager cluster, Map<String, Long> streamThresholds) {
    this.vertx = vertx;
    this.streamThresholds = streamThresholds;
    this.node = node;
    this.nodeId = cluster == null ? localNodeId(vertx) : cluster.getNodeId();
    EventBus bus = vertx.eventBus();
    try {
      bus.registerCodec(new BufferCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another node on this Vert.x registered it
    }
    this.directory = ClientDirectory.of(vertx);
    this.consumers = new ClientConsumers(bus);
    this.publisher = new DirectoryPublisher(bus, directory, nodeId, consumers::registered);
    this.sendRouter = new SendRouter(vertx, router, directory, nodeId, cluster != null);
    this.janitor = cluster == null ? null
        : new ClusterJanitor(vertx, cluster, node.registry(), publisher, node.config().policies());
    // The address first, and the record once its registration reached the cluster: a record promises that the address answers.
    node.addAnnouncer(consumers);
    node.addAnnouncer(publisher);
  }

  // "local" for the first node of a Vert.x, "local-2", ... for more: records and asockio.send tell them apart.
  private static final java.util.Map<Vertx, java.util.concurrent.atomic.AtomicInteger> LOCAL_NODES =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private static String localNodeId(Vertx vertx) {
    int n = LOCAL_NODES.computeIfAbsent(vertx, v -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    return n == 1 ? "local" : "local-" + n;
  }

  public String nodeId() {
    return nodeId;
  }

  public ClientDirectory directory() {
    return directory;
  }

  /** Registers the node's own consumers; clustered, starts its housekeeping. */
  public void start() {
    sendRouter.start();
    if (janitor != null) {
      janitor.start();
    }
  }

  /** A graceful stop: this node's records go first, with their events; then its consumers. */
  public Future<Void> stop() {
    return Future.join(publisher.withdrawAll(io.asockio.api.CloseCause.NODE_STOPPING.text()), consumers.unregisterAll(),
        sendRouter.stop(), janitor == null ? Future.succeededFuture() : janitor.stop()).mapEmpty();
  }

  /** To the client of this name on whichever node it is connected; see {@link SendRouter#send}. */
  public Future<Void> send(String name, io.vertx.core.buffer.Buffer message) {
    return sendRouter.send(name, message);
  }

  /** The handler that delivers client messages to {@code address} (one per address). */
  public ConnectionHandler delivery(String address) {
    return deliveries.computeIfAbsent(address, a -> new BusDelivery(vertx.eventBus(), a, streamThresholds.getOrDefault(a, -1L),
        node.config().limits().busDeliveryWindow(), nodeId));
  }

  /** Client messages delivered to bus addresses and not answered yet, over all addresses. */
  public long deliveriesInFlight() {
    long n = 0;
    for (BusDelivery d : deliveries.values()) {
      n += d.inFlight();
    }
    return n;
  }
}
