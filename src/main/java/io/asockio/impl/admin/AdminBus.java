package io.asockio.impl.admin;

import io.asockio.api.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The admin operations on the event bus, for code inside the cluster: a JSON request
 * {@code {"op": "node" | "clients" | "client" | "disconnect" | "reload", ...}} to
 * {@link BusAddresses#ADMIN} (any node answers) or {@link BusAddresses#admin(String)} (that
 * node). The reply is the same JSON as the HTTP route's; a refused request fails with the
 * HTTP status as failure code and the message.
 *
 * <pre>
 *   {"op": "node"}
 *   {"op": "clients", "gate": "tcp", "kind": "expected", "name": "worker-*", "limit": 100, "after": "worker-17"}
 *   {"op": "client", "name": "alice"}
 *   {"op": "disconnect", "name": "alice", "reason": "maintenance"}
 *   {"op": "reload", "access": {...the access section...}}
 * </pre>
 */
public final class AdminBus {

  private final EventBus bus;
  private final AdminOps ops;
  private final BooleanSupplier stopping;
  private final String nodeId;
  private List<MessageConsumer<Object>> consumers = List.of();

  public AdminBus(EventBus bus, AdminOps ops, BooleanSupplier stopping, String nodeId) {
    this.bus = bus;
    this.ops = ops;
    this.stopping = stopping;
    this.nodeId = nodeId;
  }

  public Future<Void> start() {
    MessageConsumer<Object> any = bus.consumer(BusAddresses.ADMIN, this::handle);
    MessageConsumer<Object> mine = bus.consumer(BusAddresses.admin(nodeId), this::handle);
    consumers = List.of(any, mine);
    return Future.all(any.completion(), mine.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** Asks node {@code request.node} to disconnect {@code request.name} (used by {@link AdminOps#disconnect}). */
  public Future<JsonObject> disconnectOn(JsonObject request) {
    return bus.<JsonObject>request(BusAddresses.admin(request.getString("node")), new JsonObject().put("op", "disconnect-here")
        .put("name", request.getString("name")).put("reason", request.getString("reason")))
        .map(Message::body)
        .recover(err -> Future.failedFuture(err instanceof io.vertx.core.eventbus.ReplyException
            && ((io.vertx.core.eventbus.ReplyException) err).failureCode() >= 400
            ? new AdminOps.AdminException(((io.vertx.core.eventbus.ReplyException) err).failureCode(), err.getMessage())
            : new AdminOps.AdminException(502, "node " + request.getString("node") + " did not answer: " + err.getMessage())));
  }

  private void handle(Message<Object> message) {
    if (!(message.body() instanceof JsonObject)) {
      message.fail(400, "expected a JSON object with an \"op\"");
      return;
    }
    JsonObject request = (JsonObject) message.body();
    Future<JsonObject> result;
    try {
      String op = request.getString("op");
      result = switch (op == null ? "" : op) {
        case "node" -> Future.succeededFuture(ops.describeNode(stopping));
        case "clients" -> ops.listClients(request.getString("gate"), request.getString("kind"), request.getString("name"),
            request.getValue("limit") == null ? null : String.valueOf(request.getValue("limit")), request.getString("after"));
        case "client" -> ops.client(required(request, "name"));
        case "disconnect" -> ops.disconnect(required(request, "name"), request.getString("reason"));
        case "disconnect-here" -> Future.succeededFuture(ops.disconnectHere(required(request, "name"), request.getString("reason")));
        case "reload" -> Future.succeededFuture(ops.reloadAccess(request.getJsonObject("access")));
        default -> Future.failedFuture(new AdminOps.AdminException(400, "op must be node, clients, client, disconnect or reload"
            + (op == null ? "" : ", got \"" + op + "\"")));
      };
    } catch (AdminOps.AdminException e) {
      result = Future.failedFuture(e);
    } catch (ClassCastException e) {
      result = Future.failedFuture(new AdminOps.AdminException(400, "a field has the wrong type: " + e.getMessage()));
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof AdminOps.AdminException) {
        message.fail(((AdminOps.AdminException) ar.cause()).status(), ar.cause().getMessage());
      } else {
        message.fail(500, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private static String required(JsonObject request, String field) {
    String value = request.getString(field);
    if (value == null || value.isEmpty()) {
      throw new AdminOps.AdminException(400, "\"" + field + "\" is required");
    }
    return value;
  }
}
