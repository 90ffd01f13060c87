package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.LinkConfig;
import io.asockio.impl.node.Node;
import io.asockio.security.AccessRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running asockio node: its gates listen, its clients are known by name and id, and
 * anything can send to them. Start one with {@link #start}; every method is thread-safe.
 *
 * <pre>{@code
 * Asockio node = Asockio.start(vertx, config).await();   // from a non-event-loop thread
 * node.send("manager", Buffer.buffer("hello"));
 * }</pre>
 */
public interface Asockio {

  /**
   * Starts a node on {@code vertx}: checks the config, prepares Unix socket paths (removing
   * stale socket files), declares the configured clients and deploys every gate. Fails with
   * a {@link io.asockio.config.ConfigException} naming the key when something in the config
   * cannot work.
   */
  static Future<Asockio> start(Vertx vertx, AsockioConfig config) {
    return startWith(vertx, config, node -> {
    });
  }

  /**
   * Like {@link #start(Vertx, AsockioConfig)}, with a handler for connections that no
   * processor, delivery or other handler serves (installed before the first client can connect).
   */
  static Future<Asockio> start(Vertx vertx, AsockioConfig config, ConnectionHandler handler) {
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
  static Future<Asockio> startWith(Vertx vertx, AsockioConfig config, Consumer<Asockio> setup) {
    return Node.start(vertx, config, setup).map(node -> node);
  }

  /**
   * A Vert.x instance for {@code config}: native transport preferred, and clustered (with
   * Hazelcast, locked to the configured host and members) when {@code cluster.enabled}.
   */
  static Future<Vertx> vertx(AsockioConfig config) {
    return io.asockio.impl.node.Clustering.vertx(config);
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Queues a message to the client with this id; see {@link ClientConnection#send(Buffer)} for the outcome. */
  Future<Void> send(long clientId, Buffer message);

  /**
   * Queues a message to the client of this name; for a declared name that is not connected it
   * is kept (up to {@code limits.offlineQueueMessages}) and sent first when it connects. In a
   * cluster, a client connected to another node is reached there (found in the
   * {@link #directory()}, through its bus address): the future completes once that node queued
   * it, and fails with the {@link SendException} that node gave.
   */
  Future<Void> send(String name, Buffer message);

  /** Queues several messages to one client, in order, all or none. */
  Future<Void> send(long clientId, List<Buffer> messages);

  /** Sends the messages of {@code source} lazily, as the socket drains; see {@link ClientConnection#sendAll}. */
  Future<Void> sendAll(long clientId, Iterator<Buffer> source);

  /** Sends one message whose body comes from {@code source}; see {@link ClientConnection#sendStream}. */
  Future<Void> sendStream(long clientId, ReadStream<Buffer> source, long length);

  /** Like {@link #sendStream(long, ReadStream, long)}, to a client by name. */
  Future<Void> sendStream(String name, ReadStream<Buffer> source, long length);

  // ---- clients ----------------------------------------------------------------------------

  /** Declares an expected client (before or after it connects); its id is kept across reconnects. */
  ClientInfo addClient(String name);

  /** Forgets a client and closes its connection, if any. Returns whether it was known. */
  boolean removeClient(String name);

  /** Forgets the client with this id and closes its connection, if any. Returns whether it was known. */
  boolean removeClient(long id);

  /** A snapshot of every client this node knows. */
  List<ClientInfo> clients();

  /** The client of this name, or null. */
  ClientInfo client(String name);

  /** The client with this id, or null. */
  ClientInfo client(long id);

  /** The live connection of a client by name, or null (for closing, raw switching, pausing). */
  ClientConnection connection(String name);

  /** The live connection of a client by id, or null. */
  ClientConnection connection(long id);

  /** The connected clients of the whole cluster (or of this Vert.x), in SharedData. */
  ClientDirectory directory();

  /** This node's id: the cluster node id, or {@code local}. */
  String nodeId();

  // ---- who serves connections -------------------------------------------------------------

  /**
   * Attaches an {@link InlineProcessor} to the connections of a named client. Who serves a new
   * connection, first match: the client's processor, the client's bus delivery, the gate's
   * processor (by API, then by config), the gate's bus delivery, the node's handler.
   */
  Asockio clientProcessor(String clientName, Supplier<? extends InlineProcessor> processor);

  /** Attaches an {@link InlineProcessor} to every new connection of a gate (or link), by its name. */
  Asockio gateProcessor(String gateName, Supplier<? extends InlineProcessor> processor);

  /**
   * Delivers the messages of a named client to an event-bus address, with headers
   * {@value BusAddresses#HEADER_CLIENT} and {@value BusAddresses#HEADER_ID}; the consumer
   * replies to each to let more come ({@code limits.busDeliveryWindow}).
   */
  Asockio clientDelivery(String clientName, String address);

  /** Like {@link #clientDelivery}, for every client of a gate (or link). */
  Asockio gateDelivery(String gateName, String address);

  /**
   * Streams, to a bus address, the messages longer than {@code threshold} bytes (and any over
   * {@code limits.maxMessageSize}) as chunk messages (see {@link BusAddresses}) instead of
   * refusing them. Set it before clients connect.
   */
  Asockio streamDeliveriesAbove(String address, long threshold);

  /** Sets the handler of connections that nothing else serves. */
  Asockio handler(ConnectionHandler handler);

  /**
   * Tells a node on a clustered Vert.x built without {@link #vertx(AsockioConfig)} its
   * cluster manager (node id, members), so that it can sweep the clients of nodes that die.
   * Call it in {@link #startWith}'s setup.
   */
  Asockio clusterManager(io.vertx.core.spi.cluster.ClusterManager manager);

  // ---- client role ------------------------------------------------------------------------

  /**
   * Dials out and keeps the link up as configured. Its connection joins this node's clients
   * under {@code link.name()}; messages sent to that name while it is down are kept up to
   * {@code link.offlineQueueMessages()}.
   */
  Link link(LinkConfig link);

  /** The link of this name, or null. */
  Link link(String name);

  /** Closes a link: its connection is closed and it stops reconnecting. */
  Future<Void> unlink(String name);

  // ---- the node ---------------------------------------------------------------------------

  /** The TCP port a gate listens on (resolves port 0), or -1. */
  int port(String gateName);

  /** The admin API's TCP port (useful with {@code admin.port} 0), or -1 when the admin API is off. */
  int adminPort();

  AsockioConfig config();

  Vertx vertx();

  /** Counters by reason: {@code opened}, {@code closed.<cause>}, {@code refused.<reason>}, {@code denied.<rule>}, ... */
  Map<String, Long> counters();

  /** The access rules in force. */
  AccessRules accessRules();

  /**
   * Replaces the access rules, checked whole first: on any error nothing changes and the
   * {@link io.asockio.config.ConfigException} names the key. Connected clients stay; the
   * rules apply to the next handshakes.
   */
  void reloadAccess(AccessRules rules);

  /** Like {@link #reloadAccess(AccessRules)}, from the JSON of an {@code access} section. */
  void reloadAccess(JsonObject accessJson);

  /** Stops: this node's directory records go first, then every gate and link; connections are closed. */
  Future<Void> stop();
}
