package io.asockio.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The directory of connected named clients, in Vert.x SharedData: a local map in a single
 * Vert.x, a cluster-wide AsyncMap when clustered. One record per connected name:
 *
 * <pre>{@code
 * {"name": "alice", "id": 7, "kind": "expected", "gate": "tcp", "transport": "tcp",
 *  "remote": "127.0.0.1:41234", "node": "<cluster node id or 'local'>", "connectedAt": 1700000000000}
 * }</pre>
 *
 * Usable from any verticle on any node with just a {@link Vertx}: {@code ClientDirectory.of(vertx).lookup("alice")}.
 * Clients of a gate with {@code announce: false} have no record (and no bus address).
 * <p>
 * A record is read-only: without a cluster the map hands out the node's own record, which
 * throws {@code UnsupportedOperationException} on a change; {@code copy()} it to change it.
 */
public final class ClientDirectory {

  /** Name of the SharedData map. */
  public static final String MAP = "asockio.clients";

  private final Vertx vertx;
  private Future<AsyncMap<String, JsonObject>> map;

  private ClientDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  public static ClientDirectory of(Vertx vertx) {
    return new ClientDirectory(vertx);
  }

  private synchronized Future<AsyncMap<String, JsonObject>> map() {
    if (map == null || map.failed()) {
      map = vertx.sharedData().getAsyncMap(MAP);
    }
    return map;
  }

  /** The record of a connected name, or null. */
  public Future<JsonObject> lookup(String name) {
    return map().compose(m -> m.get(name));
  }

  /**
   * Every record, optionally filtered by kind ({@code expected}, {@code unexpected},
   * {@code anonymous}, {@code outgoing}) and gate; null means any.
   */
  public Future<List<JsonObject>> list(String kind, String gate) {
    return map().compose(AsyncMap::values).map(values -> {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject r : values) {
        if ((kind == null || kind.equals(r.getString("kind"))) && (gate == null || gate.equals(r.getString("gate")))) {
          out.add(r);
        }
      }
      return out;
    });
  }

  /** Number of records. */
  public Future<Integer> size() {
    return map().compose(AsyncMap::size);
  }

  /** Writes the record of a connected client (replacing a previous one of the same name). */
  public Future<Void> publish(JsonObject record) {
    return map().compose(m -> m.put(record.getString("name"), record));
  }

  /** Writes the record unless one of its name is there; true when it wrote it. */
  public Future<Boolean> publishIfAbsent(JsonObject record) {
    return map().compose(m -> m.putIfAbsent(record.getString("name"), record)).map(previous -> previous == null);
  }

  /** Removes the record only if it is still this one (a takeover may have replaced it). */
  public Future<Boolean> withdraw(JsonObject record) {
    return map().compose(m -> m.removeIfPresent(record.getString("name"), record));
  }

  /** Removes and returns the records of nodes not in {@code aliveNodes}. */
  public Future<List<JsonObject>> removeNodesOtherThan(List<String> aliveNodes) {
    return map().compose(m -> m.entries().compose(entries -> {
      List<Future<Boolean>> removals = new ArrayList<>();
      List<JsonObject> removed = new ArrayList<>();
      for (Map.Entry<String, JsonObject> e : entries.entrySet()) {
        if (!aliveNodes.contains(e.getValue().getString("node"))) {
          removed.add(e.getValue());
          removals.add(m.removeIfPresent(e.getKey(), e.getValue()));
        }
      }
      return Future.join(removals).map(v -> removed);
    }));
  }
}
