package io.asockio.api;

import io.asockio.gate.BufferCodec;
import io.asockio.gate.Connection;
import io.asockio.gate.ConnectionHandler;
import io.asockio.gate.ConnectionObserver;
import io.asockio.gate.SendException;
import io.asockio.registry.ClientDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * asockio on the event bus and in SharedData: each open connection gets a record in the
 * {@link ClientDirectory} and a consumer at {@code asockio.client.<name>}; life-cycle events
 * are published on {@code asockio.events}; clustered, records of nodes that died are swept by
 * the survivors and a name taken on another node closes the local connection (takeover).
 */
final class NodeBus implements ConnectionObserver {

  private static final Logger LOG = Logger.getLogger(NodeBus.class.getName());
  static final DeliveryOptions ZERO_COPY = new DeliveryOptions().setCodecName(BufferCodec.NAME);

  private final Asockio node;
  private final Vertx vertx;
  private final EventBus bus;
  private final ClientDirectory directory;
  private final String nodeId;
  private final ClusterManager cluster;
  private final Map<Connection, MessageConsumer<Object>> consumers = new ConcurrentHashMap<>();
  private final Map<Connection, JsonObject> records = new ConcurrentHashMap<>();
  private MessageConsumer<Object> sendConsumer;
  private MessageConsumer<JsonObject> eventsConsumer;
  private long sweepTimer = -1;
  private List<String> knownNodes = List.of();

  NodeBus(Asockio node, Vertx vertx) {
    this.node = node;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.directory = ClientDirectory.of(vertx);
    this.cluster = ((VertxInternal) vertx).clusterManager();
    this.nodeId = cluster == null ? "local" : cluster.getNodeId();
    try {
      bus.registerCodec(new BufferCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another node on this Vert.x registered it
    }
  }

  String nodeId() {
    return nodeId;
  }

  ClientDirectory directory() {
    return directory;
  }

  /** Registers the node's own consumers; clustered, starts sweeping records of dead nodes. */
  void start() {
    sendConsumer = bus.localConsumer(BusAddresses.SEND, this::onSend);
    eventsConsumer = bus.consumer(BusAddresses.EVENTS, this::onEvent);
    if (cluster != null) {
      sweepTimer = vertx.setPeriodic(0, 1000, id -> sweepIfMembershipChanged());
    }
  }

  /** A graceful stop: this node's records go first, with their events. */
  Future<Void> stop() {
    if (sweepTimer != -1) {
      vertx.cancelTimer(sweepTimer);
    }
    List<Future<?>> done = new ArrayList<>();
    records.forEach((connection, record) -> done.add(directory.withdraw(record)
        .onSuccess(removed -> publish(event("disconnected", record).put("cause", "node stopping")))));
    records.clear();
    consumers.values().forEach(c -> done.add(c.unregister()));
    consumers.clear();
    if (sendConsumer != null) {
      done.add(sendConsumer.unregister());
    }
    if (eventsConsumer != null) {
      done.add(eventsConsumer.unregister());
    }
    return Future.join(done).mapEmpty();
  }

  // ---- connection life cycle --------------------------------------------------------------

  @Override
  public void opened(Connection c) {
    JsonObject record = new JsonObject().put("name", c.name()).put("id", c.id())
        .put("kind", c.kind().name().toLowerCase()).put("gate", c.gate().name()).put("transport", c.gate().transportName())
        .put("remote", c.remoteAddress()).put("node", nodeId).put("connectedAt", System.currentTimeMillis());
    records.put(c, record);
    directory.publish(record);
    // Registered on the connection's event loop: messages for it are written there, no hop.
    consumers.put(c, bus.consumer(BusAddresses.client(c.name()), msg -> onClientMessage(c, msg)));
    publish(event("connected", record));
  }

  @Override
  public void closed(Connection c, String cause) {
    MessageConsumer<Object> consumer = consumers.remove(c);
    if (consumer != null) {
      consumer.unregister();
    }
    JsonObject record = records.remove(c);
    if (record != null) {
      directory.withdraw(record);
      publish(event("disconnected", record).put("cause", cause));
    }
  }

  @Override
  public void refused(Connection c, String reason) {
    publish(new JsonObject().put("type", "refused").put("reason", reason).put("gate", c.gate().name())
        .put("transport", c.gate().transportName()).put("remote", c.remoteAddress()).put("node", nodeId)
        .put("at", System.currentTimeMillis()));
  }

  @Override
  public void takenOver(Connection replacing, Connection replaced) {
    publish(new JsonObject().put("type", "takeover").put("name", replacing.name()).put("id", replacing.id())
        .put("gate", replacing.gate().name()).put("remote", replacing.remoteAddress())
        .put("previousRemote", replaced.remoteAddress()).put("node", nodeId).put("at", System.currentTimeMillis()));
  }

  private JsonObject event(String type, JsonObject record) {
    return record.copy().put("type", type).put("at", System.currentTimeMillis());
  }

  private void publish(JsonObject event) {
    bus.publish(BusAddresses.EVENTS, event);
  }

  // ---- sending through the bus ------------------------------------------------------------

  static Buffer body(Object body) {
    if (body instanceof Buffer) {
      return (Buffer) body;
    }
    if (body instanceof String) {
      return Buffer.buffer(((String) body).getBytes(StandardCharsets.UTF_8));
    }
    if (body instanceof byte[]) {
      return Buffer.buffer((byte[]) body);
    }
    return null;
  }

  private void onClientMessage(Connection c, Message<Object> msg) {
    Buffer payload = body(msg.body());
    if (payload == null) {
      msg.fail(400, "the body must be a Buffer, a String or a byte[]");
      return;
    }
    c.send(payload).onComplete(ar -> reply(msg, ar.cause()));
  }

  static void reply(Message<?> msg, Throwable failure) {
    if (failure == null) {
      msg.reply(null);
    } else if (failure instanceof SendException) {
      SendException e = (SendException) failure;
      msg.fail(switch (e.reason()) {
        case UNKNOWN_CLIENT -> BusAddresses.UNKNOWN_CLIENT;
        case NOT_CONNECTED -> BusAddresses.NOT_CONNECTED;
        case OUTPUT_FULL -> BusAddresses.OUTPUT_FULL;
        case SOURCE_FAILED -> 500;
      }, e.getMessage());
    } else {
      msg.fail(500, String.valueOf(failure.getMessage()));
    }
  }

  // asockio.send: local clients directly (offline queue included), others through their node.
  private void onSend(Message<Object> msg) {
    String to = msg.headers().get(BusAddresses.HEADER_TO);
    Buffer payload = body(msg.body());
    if (to == null || payload == null) {
      msg.fail(400, "asockio.send needs a 'to' header and a Buffer, String or byte[] body");
      return;
    }
    ClientInfo local = node.client(to);
    if (local != null && (local.connected() || local.kind() == io.asockio.registry.ClientKind.EXPECTED
        || local.kind() == io.asockio.registry.ClientKind.OUTGOING)) {
      if (local.connected() || cluster == null) {
        node.send(to, payload).onComplete(ar -> reply(msg, ar.cause()));
        return;
      }
    }
    directory.lookup(to).onComplete(ar -> {
      JsonObject record = ar.succeeded() ? ar.result() : null;
      if (record != null && !nodeId.equals(record.getString("node"))) {
        bus.request(BusAddresses.client(to), payload, ZERO_COPY).onComplete(fwd -> {
          if (fwd.succeeded()) {
            msg.reply(null);
          } else if (fwd.cause() instanceof ReplyException && ((ReplyException) fwd.cause()).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            msg.fail(((ReplyException) fwd.cause()).failureCode(), fwd.cause().getMessage());
          } else {
            msg.fail(BusAddresses.NOT_CONNECTED, "client " + to + " is not reachable: " + fwd.cause().getMessage());
          }
        });
      } else {
        node.send(to, payload).onComplete(sent -> reply(msg, sent.cause()));
      }
    });
  }

  // ---- cluster ----------------------------------------------------------------------------

  // A name connected on another node takes over a local connection of the same name.
  private void onEvent(Message<JsonObject> msg) {
    JsonObject event = msg.body();
    if (!"connected".equals(event.getString("type")) || nodeId.equals(event.getString("node"))
        || node.config().policies().takeover() != io.asockio.config.Policies.Takeover.REPLACE) {
      return;
    }
    Connection local = node.connectionByName(event.getString("name"));
    if (local != null) {
      LOG.info(() -> "client " + event.getString("name") + " connected on node " + event.getString("node")
          + ": closing its connection here");
      local.close("taken over by a connection on another node");
    }
  }

  private void sweepIfMembershipChanged() {
    List<String> nodes = cluster.getNodes();
    if (nodes.equals(knownNodes)) {
      return;
    }
    knownNodes = List.copyOf(nodes);
    // One survivor sweeps: the one with the smallest id.
    if (nodes.isEmpty() || !nodeId.equals(nodes.stream().min(String::compareTo).orElse(nodeId))) {
      return;
    }
    directory.removeNodesOtherThan(nodes).onSuccess(removed -> removed.forEach(record -> {
      LOG.info(() -> "client " + record.getString("name") + " of node " + record.getString("node")
          + " removed: the node left the cluster");
      publish(event("disconnected", record).put("cause", "node left the cluster"));
    }));
  }

  // ---- delivery of client messages to the bus ---------------------------------------------

  /**
   * Sends each message of a client to {@code address}, with a window of unacknowledged ones.
   * With {@code streamThreshold} >= 0, longer messages go as a sequence of chunk messages
   * (headers {@value BusAddresses#HEADER_STREAM}, {@value BusAddresses#HEADER_STREAM_LENGTH},
   * {@value BusAddresses#HEADER_STREAM_SEQ}) ended by an empty one with
   * {@value BusAddresses#HEADER_STREAM_END}, under the same window.
   */
  ConnectionHandler delivery(String address, long streamThreshold) {
    int window = node.config().limits().busDeliveryWindow();
    return new ConnectionHandler() {
      private final Map<Connection, int[]> inFlight = new ConcurrentHashMap<>();
      private final java.util.concurrent.atomic.AtomicLong streams = new java.util.concurrent.atomic.AtomicLong();

      @Override
      public boolean wantsDrained() {
        return false;
      }

      @Override
      public long streamThreshold() {
        return streamThreshold;
      }

      @Override
      public void onStream(Connection c, io.asockio.gate.MessageStream stream) {
        int[] n = inFlight.computeIfAbsent(c, k -> new int[1]);
        String id = nodeId + "-" + streams.incrementAndGet();
        long[] seq = new long[1];
        stream.pause();
        stream.handler(chunk -> {
          DeliveryOptions options = streamOptions(c, id, stream.length()).addHeader(BusAddresses.HEADER_STREAM_SEQ,
              Long.toString(seq[0]++));
          n[0]++;
          bus.request(address, chunk, options).onComplete(ar -> {
            n[0]--;
            stream.fetch(1); // one acknowledged, one more
          });
        });
        stream.endHandler(v -> {
          DeliveryOptions options = streamOptions(c, id, stream.length()).addHeader(BusAddresses.HEADER_STREAM_END, "true");
          bus.request(address, Buffer.buffer(), options);
        });
        stream.exceptionHandler(err -> {
          DeliveryOptions options = streamOptions(c, id, stream.length()).addHeader(BusAddresses.HEADER_STREAM_END, "error")
              .addHeader(BusAddresses.HEADER_STREAM_ERROR, String.valueOf(err.getMessage()));
          bus.request(address, Buffer.buffer(), options);
        });
        stream.fetch(Math.max(1, window - n[0]));
      }

      private DeliveryOptions streamOptions(Connection c, String id, long length) {
        return new DeliveryOptions().setCodecName(BufferCodec.NAME).addHeader(BusAddresses.HEADER_CLIENT, c.name())
            .addHeader(BusAddresses.HEADER_ID, Long.toString(c.id())).addHeader(BusAddresses.HEADER_STREAM, id)
            .addHeader(BusAddresses.HEADER_STREAM_LENGTH, Long.toUnsignedString(length));
      }

      @Override
      public void onMessage(Connection c, Buffer data) {
        int[] n = inFlight.computeIfAbsent(c, k -> new int[1]);
        DeliveryOptions options = new DeliveryOptions().setCodecName(BufferCodec.NAME)
            .addHeader(BusAddresses.HEADER_CLIENT, c.name()).addHeader(BusAddresses.HEADER_ID, Long.toString(c.id()));
        if (++n[0] >= window) {
          c.pauseReading(); // the consumer is behind: the client waits, memory does not grow
        }
        bus.request(address, data, options).onComplete(ar -> {
          if (ar.failed() && !(ar.cause() instanceof ReplyException
              && ((ReplyException) ar.cause()).failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
            LOG.fine(() -> "delivery of a message of " + c.name() + " to " + address + " failed: " + ar.cause().getMessage());
          }
          if (n[0]-- == window) {
            c.resumeReading();
          }
        });
      }

      @Override
      public void onClosed(Connection c, String cause) {
        inFlight.remove(c);
      }
    };
  }
}
