package io.asockio.gate;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.registry.ClientRecord;
import io.asockio.registry.ClientRegistry;
import io.asockio.security.AccessRules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * What every gate of a node shares: the config, the client registry, the choice of a
 * handler for a new connection, and counters of refusals and closes by reason.
 */
public final class GateServices {

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(GateServices.class.getName());

  private final AsockioConfig config;
  private final ClientRegistry<Connection> registry;
  private final BiFunction<ClientRecord<Connection>, GateConfig, ConnectionHandler> handlerFactory;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();
  private final Map<String, GateGuard> guards = new ConcurrentHashMap<>();
  private final Map<String, long[]> refusalLog = new ConcurrentHashMap<>();
  private volatile AccessRules access;
  private volatile ConnectionObserver observer = ConnectionObserver.NONE;

  /**
   * @param handlerFactory picks the handler of a newly opened connection, from its client
   *                       record and gate; it must not return null
   */
  public GateServices(AsockioConfig config, ClientRegistry<Connection> registry,
                      BiFunction<ClientRecord<Connection>, GateConfig, ConnectionHandler> handlerFactory) {
    this.config = config;
    this.registry = registry;
    this.handlerFactory = handlerFactory;
    this.access = config.access();
  }

  /** The access rules in force. */
  public AccessRules access() {
    return access;
  }

  /** Swaps the access rules whole; connected clients are not affected. */
  public void access(AccessRules rules) {
    this.access = rules;
  }

  /** Sets who hears of opened, closed, refused and taken-over connections. */
  public void observer(ConnectionObserver newObserver) {
    this.observer = newObserver;
  }

  ConnectionObserver observer() {
    return observer;
  }

  GateGuard guard(GateConfig gate) {
    return guards.computeIfAbsent(gate.name(), n -> new GateGuard(gate.limits()));
  }

  /**
   * Logs a refusal, at most once per reason and second, with the count of those not shown:
   * a flood must not turn into a flood of log lines.
   */
  void logRefusal(String reason, java.util.function.Supplier<String> message) {
    long now = System.nanoTime();
    long[] state = refusalLog.computeIfAbsent(reason, r -> new long[] {now - 2_000_000_000L, 0});
    String line = null;
    synchronized (state) {
      if (now - state[0] >= 1_000_000_000L) {
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        line = message.get() + (suppressed > 0 ? " (and " + suppressed + " more refused for this reason)" : "");
      } else {
        state[1]++;
      }
    }
    if (line != null) {
      LOG.info(line);
    }
  }

  /** An access rule denied a peer ({@code keyword} null: an anonymous one): counted and logged. */
  void denied(String keyword, AccessRules.Decision decision, Connection connection) {
    count("denied." + decision.rule());
    LOG.info(() -> "access denied to " + (keyword == null ? "anonymous peer" : "\"" + Keywords.printable(keyword) + "\"")
        + " from " + connection.remoteAddress() + " via gate " + connection.gate().name() + " by " + decision.rule()
        + (connection.certificateCn() != null ? " (certificate CN " + Keywords.printable(connection.certificateCn()) + ")" : ""));
  }

  public AsockioConfig config() {
    return config;
  }

  public ClientRegistry<Connection> registry() {
    return registry;
  }

  ConnectionHandler handlerFor(ClientRecord<Connection> record, GateConfig gate) {
    return handlerFactory.apply(record, gate);
  }

  /** Adds one to the counter {@code name} (e.g. {@code refused.unknown keyword}). */
  public void count(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** Current value of a counter (0 when it never counted). */
  public long counter(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** A snapshot of all counters. */
  public Map<String, Long> counters() {
    Map<String, Long> snapshot = new java.util.TreeMap<>();
    counters.forEach((k, v) -> snapshot.put(k, v.sum()));
    return snapshot;
  }

  /**
   * Sends what was kept for the client while it was disconnected, ahead of anything else.
   * Runs on the new connection's event loop right after it opened; the record's monitor
   * makes it atomic with {@link ClientRecord#offerOffline}.
   */
  void flushOffline(ClientRecord<Connection> record, Connection connection) {
    synchronized (record) {
      connection.sendOffline(record.takeOffline());
    }
  }

  void boundPort(String gate, int port) {
    boundPorts.put(gate, port);
  }

  /** The TCP port a gate listens on (useful with port 0), or -1. */
  public int boundPort(String gate) {
    return boundPorts.getOrDefault(gate, -1);
  }
}
