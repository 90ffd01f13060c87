package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.GateLimits;
import io.asockio.impl.metrics.NodeMetrics;
import io.asockio.impl.vertx.CallerLoop;
import io.asockio.security.AccessRules;
import io.vertx.core.Context;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every connection of a node shares: the config, the client registry, the access rules
 * in force, who serves a new connection, the bounds of each gate, counters and the refusal
 * log, and the observers of connection life cycles.
 */
public final class NodeContext {

  private static final Logger LOG = Logger.getLogger(NodeContext.class.getName());

  private final AsockioConfig config;
  private final ClientRegistry registry;
  private final HandlerRoutes routes;
  private final Counters counters = new Counters();
  private final RefusalLog refusalLog = new RefusalLog();
  private final Map<String, GateGuard> guards = new ConcurrentHashMap<>();
  private final List<ConnectionObserver> observers = new CopyOnWriteArrayList<>();
  private final List<ConnectionObserver> announcers = new CopyOnWriteArrayList<>();
  private final HeldInputBudget heldInput;
  private final OutputBudget output;
  private volatile NodeMetrics metrics;
  private volatile AccessRules access;
  private volatile CallerLoop plainGatesLoop;

  public NodeContext(AsockioConfig config, ClientRegistry registry, HandlerRoutes routes) {
    this.config = config;
    this.registry = registry;
    this.routes = routes;
    this.access = config.access();
    this.heldInput = new HeldInputBudget(config.limits().heldInputBudget(), counters);
    this.output = new OutputBudget(config.limits().nodeOutputBudget());
  }

  public AsockioConfig config() {
    return config;
  }

  public ClientRegistry registry() {
    return registry;
  }

  public HandlerRoutes routes() {
    return routes;
  }

  public Counters counters() {
    return counters;
  }

  /** The node's meters, or null when no meter registry is in use. */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** Starts metering: the meters hear of every connection from now on. */
  public void metrics(NodeMetrics newMetrics) {
    this.metrics = newMetrics;
    addObserver(newMetrics);
  }

  /** The node-wide budget for input held in partial messages. */
  public HeldInputBudget heldInput() {
    return heldInput;
  }

  /** The node-wide budget for queued output. */
  public OutputBudget output() {
    return output;
  }

  /** Puts the connections of plain gates (no processor, no delivery) on a poller's own {@code loop}; before the gates listen. */
  public void plainGatesOn(CallerLoop loop) {
    this.plainGatesLoop = loop;
  }

  /**
   * Whether a callback for a connection of {@code context} runs inside the poller's loop turn,
   * which has entered that context already.
   */
  public boolean alreadyIn(Context context) {
    CallerLoop loop = plainGatesLoop;
    return loop != null && loop.runningIn(context);
  }

  /**
   * Where the connections of {@code gate} live: a poller's own loop when one drives the plain
   * gates' I/O and this gate is plain, else the gate verticle's event loop ({@code gateContext}).
   */
  public Context connectionsContext(GateConfig gate, Context gateContext) {
    CallerLoop loop = plainGatesLoop;
    Context caller = loop == null ? null : loop.context();
    boolean plain = gate.processor() == null && gate.deliverTo() == null && !routes.hasGateProcessor(gate.name());
    return caller != null && plain ? caller : gateContext;
  }

  /** The access rules in force. */
  public AccessRules access() {
    return access;
  }

  /** Swaps the access rules whole; connected clients are not affected. */
  public void access(AccessRules rules) {
    this.access = rules;
  }

  /** The bounds of gate {@code name}, shared by its instances. */
  public GateGuard guard(String gateName, GateLimits limits) {
    return guards.computeIfAbsent(gateName, n -> new GateGuard(limits));
  }

  /** Adds who hears of opened, closed, refused and taken-over connections. */
  public void addObserver(ConnectionObserver observer) {
    observers.add(observer);
  }

  /**
   * Adds an observer that hears of opened and closed connections only where their gate announces
   * its clients ({@code gates[].announce}), and of every refusal and takeover.
   */
  public void addAnnouncer(ConnectionObserver announcer) {
    announcers.add(announcer);
  }

  /** The handler of a new connection. */
  public ConnectionHandler handlerFor(ClientRecord client, NodeConnection connection) {
    return routes.handlerFor(client.name(), connection.gateName(), connection.configuredProcessor());
  }

  /** A refusal: counted, logged (rate-limited), told to the observers. */
  public void refused(Refusal refusal, String text, String gate, String transport, String remoteAddress,
                      java.util.function.Supplier<String> line) {
    counters.count(refusal.counter());
    NodeMetrics m = metrics;
    if (m != null) {
      m.refused(gate, refusal);
    }
    refusalLog.log(text, line);
    everyObserver(o -> o.refused(gate, transport, remoteAddress, text));
  }

  /** An access rule denied a peer ({@code keyword} null: an anonymous one): counted and logged. */
  public void denied(String keyword, AccessRules.Decision decision, String gate, String remoteAddress, String certificateCn) {
    counters.count("denied." + decision.rule());
    LOG.info(() -> "access denied to " + (keyword == null ? "anonymous peer" : "\"" + Printable.of(keyword) + "\"")
        + " from " + remoteAddress + " via gate " + gate + " by " + decision.rule()
        + (certificateCn != null ? " (certificate CN " + Printable.of(certificateCn) + ")" : ""));
  }

  /** A connection opened; the announcers hear of it if its gate announces its clients (links always do). */
  public void opened(NodeConnection connection) {
    counters.count(Counters.OPENED);
    LOG.fine(() -> "connected: " + connection.describe());
    observers.forEach(o -> observe(() -> o.opened(connection)));
    if (connection.announced()) {
      announcers.forEach(o -> observe(() -> o.opened(connection)));
    }
  }

  /** An open connection ended; the announcers hear of it as they heard of its opening. */
  public void closed(NodeConnection connection, CloseReason reason) {
    counters.count(Counters.CLOSED);
    counters.count(reason.cause().counter());
    LOG.fine(() -> "disconnected: " + connection.describe() + " (" + reason + ")");
    observers.forEach(o -> observe(() -> o.closed(connection, reason)));
    if (connection.announced()) {
      announcers.forEach(o -> observe(() -> o.closed(connection, reason)));
    }
  }

  public void takenOver(ClientConnection replacing, ClientConnection replaced) {
    counters.count(Counters.TAKEOVER);
    everyObserver(o -> o.takenOver(replacing, replaced));
  }

  // Refusals and takeovers: the announcers hear of them whatever the gate (a refused peer was never a quiet client).
  private void everyObserver(java.util.function.Consumer<ConnectionObserver> call) {
    observers.forEach(o -> observe(() -> call.accept(o)));
    announcers.forEach(o -> observe(() -> call.accept(o)));
  }

  private static void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "connection observer failed", e);
    }
  }
}
