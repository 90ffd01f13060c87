package io.asockio.impl.node;

import io.asockio.config.AdminConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.impl.admin.AdminBus;
import io.asockio.impl.admin.AdminOps;
import io.asockio.impl.admin.AdminVerticle;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.metrics.NodeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.function.LongSupplier;

/**
 * A node's operations side: its meters (in Vert.x's Micrometer registry when Vert.x has
 * metrics on, else in one of its own when the admin API is on), the admin operations on the
 * event bus, and the admin HTTP API with its health checks. Readiness turns false as soon
 * as the node starts stopping, and the admin API stops last, so that a load balancer sees it.
 */
final class NodeAdmin {

  private final Node node;
  private final Vertx vertx;
  private final AsockioConfig config;
  private final NodeContext context;
  private final ClusterManager clusterManager;
  private NodeMetrics metrics;
  private AdminBus bus;
  private String deployment;
  private volatile int port = -1;
  private volatile boolean stopping;

  NodeAdmin(Node node, Vertx vertx, AsockioConfig config, NodeContext context, ClusterManager clusterManager) {
    this.node = node;
    this.vertx = vertx;
    this.config = config;
    this.context = context;
    this.clusterManager = clusterManager;
  }

  /** Meters from the first connection on (before the gates open). */
  void bindMetrics(LongSupplier busInFlight) {
    MeterRegistry registry = vertx.isMetricsEnabled() ? BackendRegistries.getDefaultNow() : null;
    if (registry == null && config.admin().enabled()) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
    if (registry == null) {
      return;
    }
    metrics = new NodeMetrics(registry, context, busInFlight, this::clusterMembers);
    context.metrics(metrics);
    config.gates().forEach(g -> metrics.gateStarted(g.name()));
    config.links().forEach(l -> metrics.gateStarted(l.name()));
  }

  /** The admin operations on the bus, and the admin API when configured; after the gates are bound. */
  Future<Void> start() {
    AdminOps ops = new AdminOps(node, this::clusterMembers, metrics, request -> bus.disconnectOn(request));
    bus = new AdminBus(vertx.eventBus(), ops, () -> stopping, node.nodeId());
    AdminConfig admin = config.admin();
    if (!admin.enabled()) {
      return bus.start();
    }
    AdminVerticle verticle = new AdminVerticle(admin, ops, metrics, liveness(), readiness(), () -> stopping, p -> port = p);
    return bus.start().compose(v -> vertx.deployVerticle(verticle)).onSuccess(id -> deployment = id).mapEmpty();
  }

  /** Not ready from now on (the node is stopping). */
  void stopping() {
    stopping = true;
  }

  /** After everything else stopped. */
  Future<Void> stop() {
    Future<Void> busStopped = bus == null ? Future.succeededFuture() : bus.stop();
    return busStopped.transform(v -> deployment != null && vertx.deploymentIDs().contains(deployment)
        ? vertx.undeploy(deployment) : Future.succeededFuture());
  }

  /** The admin API's port, or -1 when it is off. */
  int port() {
    return port;
  }

  NodeMetrics metrics() {
    return metrics;
  }

  long clusterMembers() {
    return clusterManager == null ? 1 : clusterManager.getNodes().size();
  }

  private HealthChecks liveness() {
    // Answering at all means the event loops turn; a node that failed to start has no admin API.
    return HealthChecks.create(vertx).register("node", promise -> promise.complete(Status.OK(new JsonObject()
        .put("node", node.nodeId()))));
  }

  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("stopping", promise -> promise.complete(stopping ? Status.KO(new JsonObject().put("reason", "the node is stopping"))
        : Status.OK()));
    checks.register("gates", promise -> {
      JsonObject unbound = new JsonObject();
      for (GateConfig g : config.gates()) {
        if (g.transport() != GateConfig.Transport.UNIX && node.port(g.name()) <= 0) {
          unbound.put(g.name(), "not bound");
        }
      }
      promise.complete(unbound.isEmpty() ? Status.OK() : Status.KO(unbound));
    });
    if (config.cluster().enabled()) {
      checks.register("cluster", 5000, promise -> {
        if (clusterManager == null || !clusterManager.getNodes().contains(node.nodeId())) {
          promise.complete(Status.KO(new JsonObject().put("reason", "not a member of the cluster")));
          return;
        }
        node.directory().size().onComplete(ar -> promise.complete(ar.succeeded()
            ? Status.OK(new JsonObject().put("members", clusterMembers()).put("directorySize", ar.result()))
            : Status.KO(new JsonObject().put("reason", "directory unreachable: " + ar.cause().getMessage()))));
      });
    }
    return checks;
  }
}
