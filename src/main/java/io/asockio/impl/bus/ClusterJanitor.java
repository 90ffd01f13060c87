package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.config.Policies;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.NodeConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;
import java.util.logging.Logger;

/**
 * Cluster housekeeping. A name connected on another node takes over a local connection of
 * that name (policy {@code takeover: replace}) unless the local one came through a gate that
 * does not announce its clients: such a name is this node's alone, as it never takes over a
 * connection elsewhere either; when the member list changes, the member with
 * the smallest id removes the directory records of nodes that left, with their events; after a
 * member left, every node writes again those of its own records that the directory lost with
 * that member's partitions.
 */
final class ClusterJanitor {

  private static final Logger LOG = Logger.getLogger(ClusterJanitor.class.getName());
  /** How often the member list is compared with the last one seen. */
  static final long MEMBERSHIP_CHECK_MS = 1000;
  /**
   * Checks for lost records after a member left: Hazelcast may finish handing out the dead
   * member's partitions after the member list changed.
   */
  static final int REPAIR_CHECKS = 5;

  private final Vertx vertx;
  private final ClusterManager cluster;
  private final ClientRegistry registry;
  private final DirectoryPublisher publisher;
  private final Policies policies;
  private final String nodeId;
  private MessageConsumer<JsonObject> events;
  private long timer = -1;
  private List<String> knownNodes = List.of();
  private int repairChecksLeft;

  ClusterJanitor(Vertx vertx, ClusterManager cluster, ClientRegistry registry, DirectoryPublisher publisher, Policies policies) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.registry = registry;
    this.publisher = publisher;
    this.policies = policies;
    this.nodeId = cluster.getNodeId();
  }

  void start() {
    events = vertx.eventBus().consumer(BusAddresses.EVENTS, this::onEvent);
    timer = vertx.setPeriodic(0, MEMBERSHIP_CHECK_MS, id -> checkMembership());
  }

  Future<Void> stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  private void onEvent(Message<JsonObject> msg) {
    JsonObject event = msg.body();
    if (!"connected".equals(event.getString("type")) || nodeId.equals(event.getString("node"))
        || policies.takeover() != Policies.Takeover.REPLACE) {
      return;
    }
    ClientRecord record = registry.byName(event.getString("name"));
    NodeConnection local = record == null ? null : record.connection();
    if (local != null && local.announced()) {
      LOG.info(() -> "client " + event.getString("name") + " connected on node " + event.getString("node")
          + ": closing its connection here");
      local.close(new CloseReason(CloseCause.TAKEN_OVER, "by a connection on another node"));
    }
  }

  private void checkMembership() {
    List<String> nodes = cluster.getNodes();
    if (repairChecksLeft > 0) {
      repairChecksLeft--;
      publisher.republishLost().onSuccess(lost -> {
        if (lost > 0) {
          LOG.warning(() -> "directory records of this node lost with a member that left, written again: " + lost);
        }
      });
    }
    if (nodes.equals(knownNodes)) {
      return;
    }
    if (!nodes.containsAll(knownNodes)) {
      repairChecksLeft = REPAIR_CHECKS;
    }
    knownNodes = List.copyOf(nodes);
    // One survivor sweeps: the one with the smallest id.
    if (nodes.isEmpty() || !nodeId.equals(nodes.stream().min(String::compareTo).orElse(nodeId))) {
      return;
    }
    publisher.sweepNodesOtherThan(nodes, "node left the cluster").onSuccess(removed -> removed.forEach(
        record -> LOG.info(() -> "client " + record.getString("name") + " of node " + record.getString("node")
            + " removed: the node left the cluster")));
  }

}
