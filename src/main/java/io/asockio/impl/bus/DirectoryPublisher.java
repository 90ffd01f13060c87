package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.ClientConnection;
import io.asockio.api.ClientDirectory;
import io.asockio.api.CloseReason;
import io.asockio.impl.core.ConnectionObserver;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps the {@link ClientDirectory} true to this node's open connections and publishes their
 * life cycles on {@value BusAddresses#EVENTS}: {@code connected}, {@code disconnected} (with
 * {@code cause}), {@code refused} (with {@code reason}), {@code takeover}.
 */
final class DirectoryPublisher implements ConnectionObserver {

  private final EventBus bus;
  private final ClientDirectory directory;
  private final String nodeId;
  private final Function<ClientConnection, Future<Void>> reachable;
  // Records of open connections move from pending to published once their bus address answers
  // cluster-wide: one entry per connection, not one in each.
  private final Map<ClientConnection, JsonObject> pending = new ConcurrentHashMap<>();
  private final Map<ClientConnection, JsonObject> published = new ConcurrentHashMap<>();

  /**
   * @param reachable completes when a connection's bus address answers from every node (in a
   *                  cluster its registration travels first): a record promises that it does
   */
  DirectoryPublisher(EventBus bus, ClientDirectory directory, String nodeId,
                     Function<ClientConnection, Future<Void>> reachable) {
    this.bus = bus;
    this.directory = directory;
    this.nodeId = nodeId;
    this.reachable = reachable;
  }

  @Override
  public void opened(ClientConnection c) {
    JsonObject record = DirectoryRecord.of(c.name(), c.id(), c.kind().label(), c.gateName(),
        c.transportName(), c.remoteAddress(), nodeId, System.currentTimeMillis());
    pending.put(c, record);
    reachable.apply(c).onComplete(ar -> {
      if (pending.remove(c, record)) { // still open: a connection closed meanwhile is never published
        published.put(c, record);
        directory.publish(record);
        publish(event("connected", record));
      }
    });
  }

  @Override
  public void closed(ClientConnection c, CloseReason reason) {
    pending.remove(c);
    JsonObject record = published.remove(c);
    if (record != null) {
      directory.withdraw(record);
      publish(event("disconnected", record).put("cause", reason.toString()));
    }
  }

  @Override
  public void refused(String gate, String transport, String remoteAddress, String reason) {
    publish(new JsonObject().put("type", "refused").put("reason", reason).put("gate", gate).put("transport", transport)
        .put("remote", remoteAddress).put("node", nodeId).put("at", System.currentTimeMillis()));
  }

  @Override
  public void takenOver(ClientConnection replacing, ClientConnection replaced) {
    publish(new JsonObject().put("type", "takeover").put("name", replacing.name()).put("id", replacing.id())
        .put("gate", replacing.gateName()).put("remote", replacing.remoteAddress())
        .put("previousRemote", replaced.remoteAddress()).put("node", nodeId).put("at", System.currentTimeMillis()));
  }

  /** A graceful stop: this node's records go first, each with its {@code disconnected} event. */
  Future<Void> withdrawAll(String cause) {
    List<Future<?>> done = new ArrayList<>();
    pending.clear();
    for (ClientConnection connection : published.keySet()) {
      JsonObject record = published.remove(connection); // null if its connection's own close took it
      if (record != null) {
        done.add(directory.withdraw(record).onSuccess(removed -> publish(event("disconnected", record).put("cause", cause))));
      }
    }
    return Future.join(done).mapEmpty();
  }

  /**
   * Writes again this node's records that the directory lost. When a member dies before
   * Hazelcast has copied the partitions it owned (right after a join), their entries are gone
   * for good, this node's among them, while its clients stay connected.
   *
   * @return how many records were missing
   */
  Future<Integer> republishLost() {
    List<Future<Boolean>> writes = new ArrayList<>();
    published.forEach((connection, record) -> writes.add(directory.publishIfAbsent(record).compose(written -> {
      if (written && published.get(connection) != record) { // closed meanwhile: its withdraw may have gone first
        return directory.withdraw(record).map(false);
      }
      return Future.succeededFuture(written);
    })));
    return Future.join(writes).map(v -> (int) writes.stream().filter(w -> w.succeeded() && w.result()).count());
  }

  /** Records of nodes that left the cluster are removed, each with its {@code disconnected} event. */
  Future<List<JsonObject>> sweepNodesOtherThan(List<String> aliveNodes, String cause) {
    return directory.removeNodesOtherThan(aliveNodes).onSuccess(removed -> removed.forEach(
        record -> publish(event("disconnected", record).put("cause", cause))));
  }

  static JsonObject event(String type, JsonObject record) {
    return DirectoryRecord.orderedCopy(record).put("type", type).put("at", System.currentTimeMillis());
  }

  private void publish(JsonObject event) {
    bus.publish(BusAddresses.EVENTS, event);
  }
}
