package io.asockio.impl.admin;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.Link;
import io.asockio.config.AccessConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.impl.bus.DirectoryRecord;
import io.asockio.impl.core.NodeConnection;
import io.asockio.impl.metrics.NodeMetrics;
import io.asockio.security.AccessRules;
import io.asockio.security.Glob;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What the admin API does, whichever way it is asked (HTTP, the event bus, the CLI through
 * HTTP): describe the node, list and look up clients cluster-wide, disconnect one, reload the
 * access rules. Answers are JSON; bad input fails with an {@link AdminException} carrying an
 * HTTP status and a message that names the problem.
 */
public final class AdminOps {

  /** Largest page of {@code /clients}. */
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 100;
  private static final Set<String> KINDS = Set.of("expected", "unexpected", "anonymous", "outgoing");

  /** A request the admin API refuses; {@link #status()} is the HTTP status to answer with. */
  public static final class AdminException extends RuntimeException {
    private final int status;

    public AdminException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Asockio node;
  private final long startedAtMillis = System.currentTimeMillis();
  private final LongSupplier clusterMembers;
  private final NodeMetrics metrics;
  private final Function<JsonObject, Future<JsonObject>> disconnectElsewhere;

  /**
   * @param disconnectElsewhere asks the node owning a client (by node id) to disconnect it;
   *                            given {@code {"node", "name", "reason"}}
   */
  public AdminOps(Asockio node, LongSupplier clusterMembers, NodeMetrics metrics,
                  Function<JsonObject, Future<JsonObject>> disconnectElsewhere) {
    this.node = node;
    this.clusterMembers = clusterMembers;
    this.metrics = metrics;
    this.disconnectElsewhere = disconnectElsewhere;
  }

  /** The version of the running asockio (from the jar), or {@code dev}. */
  public static String version() {
    try (var in = AdminOps.class.getResourceAsStream("/io/asockio/version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.startsWith("$")) {
          return v;
        }
      }
    } catch (java.io.IOException ignored) {
      // fall through
    }
    return "dev";
  }

  /** {@code /node}: version, uptime, gates with their bound addresses, links, limits, counts. */
  public JsonObject describeNode(BooleanSupplier stopping) {
    AsockioConfig config = node.config();
    JsonArray gates = new JsonArray();
    for (GateConfig g : config.gates()) {
      JsonObject gate = new JsonObject().put("name", g.name()).put("transport", g.transport().name().toLowerCase(Locale.ROOT))
          .put("mode", g.mode().name().toLowerCase(Locale.ROOT)).put("instances", g.instances());
      if (g.transport() == GateConfig.Transport.UNIX) {
        gate.put("address", g.path());
      } else {
        int port = node.port(g.name());
        gate.put("address", g.withPort(port).endpoint().toString()).put("host", g.host()).put("port", port);
      }
      gate.put("tls", g.tls() != null);
      gates.add(gate);
    }
    JsonArray links = new JsonArray();
    config.links().forEach(l -> {
      Link link = node.link(l.name());
      links.add(new JsonObject().put("name", l.name()).put("target", l.target())
          .put("status", link == null ? "closed" : link.status().name().toLowerCase(Locale.ROOT)));
    });
    JsonObject clients = new JsonObject();
    long connected = 0;
    for (var c : node.clients()) {
      if (c.connected()) {
        connected++;
        String kind = c.kind().label();
        clients.put(kind, clients.getLong(kind, 0L) + 1);
      }
    }
    long now = System.currentTimeMillis();
    return new JsonObject()
        .put("node", node.nodeId())
        .put("version", version())
        .put("startedAt", Instant.ofEpochMilli(startedAtMillis).toString())
        .put("uptimeSeconds", (now - startedAtMillis) / 1000)
        .put("stopping", stopping.getAsBoolean())
        .put("cluster", new JsonObject().put("enabled", config.cluster().enabled()).put("name", config.cluster().name())
            .put("members", clusterMembers.getAsLong()))
        .put("gates", gates)
        .put("links", links)
        .put("connectedHere", connected)
        .put("clientsByKind", clients)
        .put("limits", config.limits().toJson())
        .put("counters", new JsonObject(new java.util.LinkedHashMap<>(node.counters())));
  }

  /**
   * {@code /clients}: every connected client of the cluster (the directory), filtered by gate,
   * kind and a name glob, sorted by name, one page at a time ({@code after}: the last name of
   * the previous page).
   */
  public Future<JsonObject> listClients(String gate, String kind, String nameGlob, String limitText, String after) {
    if (kind != null && !KINDS.contains(kind)) {
      return Future.failedFuture(new AdminException(400, "kind must be one of " + String.join(", ", new java.util.TreeSet<>(KINDS))
          + ", got \"" + kind + "\""));
    }
    int limit;
    try {
      limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new AdminException(400, "limit must be a whole number 1.." + MAX_LIMIT + ", got \"" + limitText + "\""));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      return Future.failedFuture(new AdminException(400, "limit must be 1.." + MAX_LIMIT + ", got " + limit));
    }
    Glob glob = nameGlob == null ? null : new Glob(nameGlob);
    int pageSize = limit;
    return node.directory().list(kind, gate).map(records -> {
      List<JsonObject> matching = records.stream()
          .filter(r -> glob == null || glob.matches(r.getString("name", "")))
          .sorted(Comparator.comparing(r -> r.getString("name", "")))
          .toList();
      int from = 0;
      if (after != null) {
        while (from < matching.size() && matching.get(from).getString("name", "").compareTo(after) <= 0) {
          from++;
        }
      }
      List<JsonObject> page = matching.subList(from, Math.min(matching.size(), from + pageSize));
      String next = from + pageSize < matching.size() ? page.get(page.size() - 1).getString("name") : null;
      return new JsonObject().put("clients", new JsonArray(page.stream().map(r -> (Object) r).toList()))
          .put("total", matching.size()).put("next", next);
    });
  }

  /** {@code /clients/{name}}: its directory record; for a client of this node, its traffic too. */
  public Future<JsonObject> client(String name) {
    return node.directory().lookup(name).compose(record -> {
      if (record == null) {
        return Future.failedFuture(new AdminException(404, "no connected client named \"" + name + "\""));
      }
      JsonObject out = DirectoryRecord.orderedCopy(record);
      ClientConnection c = node.nodeId().equals(record.getString("node")) ? node.connection(name) : null;
      if (c != null) {
        out.put("messagesReceived", c.messagesReceived()).put("bytesReceived", c.bytesReceived())
            .put("messagesSent", c.messagesSent()).put("bytesSent", c.bytesSent());
      }
      return Future.succeededFuture(out);
    });
  }

  /** {@code POST /clients/{name}/disconnect}: closes its connection wherever it is; what was queued still goes out. */
  public Future<JsonObject> disconnect(String name, String reason) {
    String why = reason == null || reason.isBlank() ? "disconnected by an operator" : reason;
    if (why.length() > 200) {
      return Future.failedFuture(new AdminException(400, "reason must be at most 200 characters"));
    }
    return node.directory().lookup(name).compose(record -> {
      if (record == null) {
        return Future.failedFuture(new AdminException(404, "no connected client named \"" + name + "\""));
      }
      String owner = record.getString("node");
      if (!node.nodeId().equals(owner)) {
        return disconnectElsewhere.apply(new JsonObject().put("node", owner).put("name", name).put("reason", why));
      }
      return Future.succeededFuture(disconnectHere(name, why));
    });
  }

  /** Disconnects a client of this node; 404 when it is not connected here. */
  public JsonObject disconnectHere(String name, String reason) {
    ClientConnection c = node.connection(name);
    if (!(c instanceof NodeConnection)) {
      throw new AdminException(404, "no client named \"" + name + "\" is connected to node " + node.nodeId());
    }
    ((NodeConnection) c).close(new CloseReason(CloseCause.APPLICATION, reason));
    return new JsonObject().put("disconnected", name).put("node", node.nodeId()).put("reason", reason);
  }

  /** {@code POST /access/reload}: the {@code access} section, validated whole; nothing changes on error. */
  public JsonObject reloadAccess(JsonObject access) {
    AccessRules rules;
    try {
      rules = AccessConfig.fromJson(access, "access");
      AsockioConfig.checkRuleGates(rules, node.config().gates());
    } catch (ConfigException e) {
      if (metrics != null) {
        metrics.accessReload(false);
      }
      throw new AdminException(400, e.getMessage());
    }
    node.reloadAccess(rules);
    if (metrics != null) {
      metrics.accessReload(true);
    }
    return new JsonObject().put("reloaded", true).put("namedRules", rules.named().rules().size())
        .put("anonymousRules", rules.anonymous().rules().size());
  }
}
