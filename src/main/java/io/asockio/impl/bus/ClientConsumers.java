package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.asockio.impl.core.ConnectionObserver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One consumer at {@code asockio.client.<name>} per open connection, registered on the
 * connection's own event loop: a message for the client is written there, without a hop.
 */
final class ClientConsumers implements ConnectionObserver {

  private final EventBus bus;
  private final Map<ClientConnection, MessageConsumer<Object>> consumers = new ConcurrentHashMap<>();

  ClientConsumers(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void opened(ClientConnection c) {
    consumers.put(c, bus.consumer(BusAddresses.client(c.name()), msg -> onMessage(c, msg)));
  }

  /** Completes when {@code c}'s address is registered on every node (at once without a cluster). */
  Future<Void> registered(ClientConnection c) {
    MessageConsumer<Object> consumer = consumers.get(c);
    return consumer == null ? Future.succeededFuture() : consumer.completion();
  }

  @Override
  public void closed(ClientConnection c, CloseReason reason) {
    MessageConsumer<Object> consumer = consumers.remove(c);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  private static void onMessage(ClientConnection c, Message<Object> msg) {
    Buffer payload = BusMessages.body(msg.body());
    if (payload == null) {
      msg.fail(BusMessages.BAD_REQUEST, "the body must be a Buffer, a String or a byte[]");
      return;
    }
    Future<Void> sent = c.send(payload);
    if (sent.isComplete()) {
      BusMessages.reply(msg, sent.cause()); // written already (the usual case): no callback through the context
    } else {
      sent.onComplete(ar -> BusMessages.reply(msg, ar.cause()));
    }
  }

  Future<Void> unregisterAll() {
    List<Future<?>> done = new ArrayList<>();
    consumers.values().forEach(c -> done.add(c.unregister()));
    consumers.clear();
    return Future.join(done).mapEmpty();
  }
}
