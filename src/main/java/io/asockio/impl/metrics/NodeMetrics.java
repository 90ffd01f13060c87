package io.asockio.impl.metrics;

import io.asockio.api.ClientConnection;
import io.asockio.api.ClientKind;
import io.asockio.api.CloseReason;
import io.asockio.api.SendException;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.ConnectionObserver;
import io.asockio.impl.core.Counters;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * asockio's meters, in a Micrometer registry (scraped as Prometheus text by the admin API).
 * Tags are bounded: {@code gate} (gates and links of the config), {@code kind}, {@code reason}
 * (typed causes); never one time series per client.
 *
 * <p>Nothing here is on the data path: traffic is counted in plain fields of each connection
 * on its event loop, and summed here when the registry is scraped (open connections) or when
 * a connection closes (its totals move to its gate's).
 */
public final class NodeMetrics implements ConnectionObserver {

  /** The meter names, as Micrometer writes them (Prometheus turns dots into underscores). */
  public static final String OPEN = "asockio.connections.open";
  public static final String ACCEPTED = "asockio.connections.accepted";
  public static final String CLOSED = "asockio.connections.closed";
  public static final String REFUSED = "asockio.connections.refused";
  public static final String HANDSHAKE = "asockio.handshake";
  public static final String MESSAGES_RECEIVED = "asockio.messages.received";
  public static final String BYTES_RECEIVED = "asockio.received";
  public static final String MESSAGES_SENT = "asockio.messages.sent";
  public static final String BYTES_SENT = "asockio.sent";
  public static final String QUEUED_OUTPUT = "asockio.output.queued";
  public static final String SENDS_FAILED = "asockio.sends.failed";
  public static final String STREAMS_ACTIVE = "asockio.streams.active";
  public static final String BUS_IN_FLIGHT = "asockio.bus.deliveries.in.flight";
  public static final String OFFLINE_QUEUED = "asockio.offline.queued.messages";
  public static final String CLIENTS = "asockio.clients";
  public static final String CLUSTER_MEMBERS = "asockio.cluster.members";
  public static final String ACCESS_RELOADS = "asockio.access.reloads";
  public static final String HELD_INPUT = "asockio.input.held";
  public static final String NODE_OUTPUT = "asockio.output.node.queued";
  public static final String HELD_INPUT_WAITS = "asockio.input.waits";

  private final MeterRegistry registry;
  private final NodeContext node;
  private final Map<String, GateMeters> gates = new ConcurrentHashMap<>();
  private final AtomicInteger streams = new AtomicInteger();

  /** One gate's (or link's) meters and the connections it sums over. */
  private final class GateMeters {
    final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    final LongAdder closedMessagesIn = new LongAdder();
    final LongAdder closedBytesIn = new LongAdder();
    final LongAdder closedMessagesOut = new LongAdder();
    final LongAdder closedBytesOut = new LongAdder();
    final Timer handshake;

    GateMeters(String gate) {
      Tags tags = Tags.of("gate", gate);
      Gauge.builder(OPEN, open, Set::size).tags(tags).description("connections open now").register(registry);
      traffic(MESSAGES_RECEIVED, "messages delivered to handlers", null, tags, closedMessagesIn, ClientConnection::messagesReceived);
      traffic(BYTES_RECEIVED, "payload bytes delivered to handlers", "bytes", tags, closedBytesIn, ClientConnection::bytesReceived);
      traffic(MESSAGES_SENT, "messages sent", null, tags, closedMessagesOut, ClientConnection::messagesSent);
      traffic(BYTES_SENT, "payload bytes sent", "bytes", tags, closedBytesOut, ClientConnection::bytesSent);
      Gauge.builder(QUEUED_OUTPUT, this, g -> sum(g.open, ClientConnection::queuedOutputBytes)).tags(tags).baseUnit("bytes")
          .description("output queued and not yet taken by the kernel").register(registry);
      handshake = Timer.builder(HANDSHAKE).tags(tags).description("from accept (or connect) to OK").register(registry);
    }

    private void traffic(String name, String description, String unit, Tags tags, LongAdder closed,
                         ToLongFunction<ClientConnection> live) {
      FunctionCounter.builder(name, this, g -> closed.sum() + sum(g.open, live)).tags(tags).baseUnit(unit)
          .description(description).register(registry);
    }
  }

  /**
   * Binds the node-wide meters.
   *
   * @param busInFlight    bus deliveries sent and not answered yet
   * @param clusterMembers members of the cluster (1 when not clustered)
   */
  public NodeMetrics(MeterRegistry registry, NodeContext node, LongSupplier busInFlight, LongSupplier clusterMembers) {
    this.registry = registry;
    this.node = node;
    Counters counters = node.counters();
    for (SendException.Reason reason : SendException.Reason.values()) {
      String counter = Counters.sendFailed(reason);
      FunctionCounter.builder(SENDS_FAILED, counters, c -> c.get(counter)).tag("reason", counter.substring("send.".length()))
          .description("sends refused").register(registry);
    }
    Gauge.builder(STREAMS_ACTIVE, streams, AtomicInteger::get).description("incoming message streams not ended").register(registry);
    Gauge.builder(BUS_IN_FLIGHT, busInFlight, s -> s.getAsLong()).description("bus deliveries not answered yet").register(registry);
    Gauge.builder(OFFLINE_QUEUED, node, n -> offlineQueued(n)).description("messages kept for disconnected clients")
        .register(registry);
    for (ClientKind kind : ClientKind.values()) {
      Gauge.builder(CLIENTS, node, n -> connected(n, kind)).tag("kind", kind.label()).description("connected clients")
          .register(registry);
    }
    Gauge.builder(CLUSTER_MEMBERS, clusterMembers, s -> s.getAsLong()).description("members of the cluster").register(registry);
    Gauge.builder(NODE_OUTPUT, node, n -> n.output().total()).baseUnit("bytes")
        .description("output queued on all connections together (limits.maxNodeOutputBytes)").register(registry);
    Gauge.builder(HELD_INPUT, node, n -> n.heldInput().held()).baseUnit("bytes")
        .description("bytes claimed by partial messages (limits.maxHeldInputBytes)").register(registry);
    FunctionCounter.builder(HELD_INPUT_WAITS, counters, c -> c.get(Counters.HELD_INPUT_WAITS))
        .description("times a connection waited for the held-input budget").register(registry);
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  private GateMeters gate(String name) {
    return gates.computeIfAbsent(name, GateMeters::new);
  }

  private static long sum(Set<ClientConnection> connections, ToLongFunction<ClientConnection> f) {
    long total = 0;
    for (ClientConnection c : connections) {
      total += f.applyAsLong(c);
    }
    return total;
  }

  private static double offlineQueued(NodeContext node) {
    long n = 0;
    for (ClientRecord r : node.registry().records()) {
      n += r.offlineCount();
    }
    return n;
  }

  private static double connected(NodeContext node, ClientKind kind) {
    long n = 0;
    for (ClientRecord r : node.registry().records()) {
      if (r.kind() == kind && r.isConnected()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Per gate (and link): connections open now and the running totals of messages and payload
   * bytes in and out, for the live page's charts (rates come from two snapshots).
   */
  public io.vertx.core.json.JsonObject gateTotals() {
    io.vertx.core.json.JsonObject out = new io.vertx.core.json.JsonObject();
    new java.util.TreeMap<>(gates).forEach((name, g) -> out.put(name, new io.vertx.core.json.JsonObject()
        .put("open", g.open.size())
        .put("messagesReceived", g.closedMessagesIn.sum() + sum(g.open, ClientConnection::messagesReceived))
        .put("bytesReceived", g.closedBytesIn.sum() + sum(g.open, ClientConnection::bytesReceived))
        .put("messagesSent", g.closedMessagesOut.sum() + sum(g.open, ClientConnection::messagesSent))
        .put("bytesSent", g.closedBytesOut.sum() + sum(g.open, ClientConnection::bytesSent))));
    return out;
  }

  /** Makes sure a gate has its meters (at 0) before its first connection. */
  public void gateStarted(String gate) {
    gate(gate);
  }

  // ---- events -------------------------------------------------------------------------------

  @Override
  public void opened(ClientConnection connection) {
    GateMeters g = gate(connection.gateName());
    g.open.add(connection);
    Counter.builder(ACCEPTED).tags("gate", connection.gateName(), "kind", connection.kind().label())
        .description("connections opened (OK sent or received, or a raw peer accepted)").register(registry).increment();
  }

  @Override
  public void closed(ClientConnection connection, CloseReason reason) {
    GateMeters g = gate(connection.gateName());
    if (g.open.remove(connection)) {
      g.closedMessagesIn.add(connection.messagesReceived());
      g.closedBytesIn.add(connection.bytesReceived());
      g.closedMessagesOut.add(connection.messagesSent());
      g.closedBytesOut.add(connection.bytesSent());
    }
    Counter.builder(CLOSED).tags("gate", connection.gateName(), "reason", reason.cause().text())
        .description("open connections that ended").register(registry).increment();
  }

  /** A peer refused before its connection opened. */
  public void refused(String gate, Refusal refusal) {
    Counter.builder(REFUSED).tags("gate", gate, "reason", refusal.text()).description("peers refused before OK")
        .register(registry).increment();
  }

  /** A handshake took {@code nanos} (accept or connect to OK). */
  public void handshake(String gate, long nanos) {
    gate(gate).handshake.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An incoming message stream began. */
  public void streamStarted() {
    streams.incrementAndGet();
  }

  /** An incoming message stream ended (or failed). */
  public void streamEnded() {
    streams.decrementAndGet();
  }

  /** Access rules were reloaded ({@code accepted}) or a reload was rejected. */
  public void accessReload(boolean accepted) {
    Counter.builder(ACCESS_RELOADS).tag("result", accepted ? "accepted" : "rejected").description("access-rule reloads")
        .register(registry).increment();
  }
}
