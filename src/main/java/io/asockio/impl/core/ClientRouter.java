package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.SendException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.function.Function;

/**
 * The one way to send to a client of this node by id or by name: the live connection, or
 * the offline queue of a declared name, or a {@link SendException} that says which.
 * {@code Asockio}, {@code IoCore} and the event-bus entry points all send through it.
 */
public final class ClientRouter {

  private final ClientRegistry registry;
  private final Counters counters;

  public ClientRouter(ClientRegistry registry, Counters counters) {
    this.registry = registry;
    this.counters = counters;
  }

  /** To the client with this id. */
  public Future<Void> send(long id, Buffer message) {
    ClientRecord record = registry.byId(id);
    return record == null ? unknown("with id " + id) : send(record, message);
  }

  /** To the client of this name; kept for a declared name that is offline (within its bounds). */
  public Future<Void> send(String name, Buffer message) {
    ClientRecord record = registry.byName(name);
    return record == null ? unknown("named " + name) : send(record, message);
  }

  /**
   * To the client of this name if it is connected here, or when {@code orDeclared} also if it is
   * declared here (kept for it while offline); null, having sent nothing, otherwise.
   */
  public Future<Void> sendIfHere(String name, Buffer message, boolean orDeclared) {
    ClientRecord record = registry.byName(name);
    return record != null && (record.isConnected() || (orDeclared && record.isDeclared())) ? send(record, message) : null;
  }

  /** Runs {@code action} on the live connection of client {@code id}, or fails as a send would. */
  public Future<Void> withConnection(long id, Function<ClientConnection, Future<Void>> action) {
    ClientRecord record = registry.byId(id);
    return withConnection(record, "with id " + id, action);
  }

  /** Like {@link #withConnection(long, Function)}, by name. */
  public Future<Void> withConnection(String name, Function<ClientConnection, Future<Void>> action) {
    return withConnection(registry.byName(name), "named " + name, action);
  }

  private Future<Void> withConnection(ClientRecord record, String which, Function<ClientConnection, Future<Void>> action) {
    if (record == null) {
      return unknown(which);
    }
    ClientConnection connection = record.connection();
    return connection == null ? notConnected(record) : action.apply(connection);
  }

  private Future<Void> send(ClientRecord record, Buffer message) {
    ClientConnection connection = record.connection();
    if (connection != null) {
      return connection.send(message);
    }
    switch (record.offerOffline(message)) {
      case QUEUED:
        return Future.succeededFuture();
      case CONNECTED:
        return record.connection().send(message);
      case FULL:
        counters.count(Counters.sendFailed(SendException.Reason.OUTPUT_FULL));
        return Future.failedFuture(new SendException(SendException.Reason.OUTPUT_FULL, "client " + record.name()
            + " is not connected and its offline queue is full (" + record.offlineCount() + " messages)"));
      default:
        return notConnected(record);
    }
  }

  Future<Void> unknown(String which) {
    counters.count(Counters.sendFailed(SendException.Reason.UNKNOWN_CLIENT));
    return Future.failedFuture(new SendException(SendException.Reason.UNKNOWN_CLIENT, "no client " + which));
  }

  Future<Void> notConnected(ClientRecord record) {
    counters.count(Counters.sendFailed(SendException.Reason.NOT_CONNECTED));
    return Future.failedFuture(new SendException(SendException.Reason.NOT_CONNECTED,
        "client " + record.name() + " is not connected"));
  }
}
