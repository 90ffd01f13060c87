package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.ClientDirectory;
import io.asockio.impl.core.ClientRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * {@value BusAddresses#SEND}, the node's local entry point (header {@code to} names the
 * client): a client served here goes through the {@link ClientRouter} (offline queue
 * included); one connected to another node is reached through its {@code asockio.client.<name>}
 * address, found in the directory.
 */
final class SendRouter {

  /** Attempts when a record's address has no handler yet here (its registration is still on its way). */
  static final int FORWARD_ATTEMPTS = 6;

  private final Vertx vertx;
  private final EventBus bus;
  private final ClientRouter router;
  private final ClientDirectory directory;
  private final String nodeId;
  private final boolean clustered;
  private MessageConsumer<Object> consumer;

  SendRouter(Vertx vertx, ClientRouter router, ClientDirectory directory, String nodeId, boolean clustered) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.router = router;
    this.directory = directory;
    this.nodeId = nodeId;
    this.clustered = clustered;
  }

  void start() {
    consumer = bus.localConsumer(BusAddresses.SEND, this::onSend);
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void onSend(Message<Object> msg) {
    String to = msg.headers().get(BusAddresses.HEADER_TO);
    Buffer payload = BusMessages.body(msg.body());
    if (to == null || payload == null) {
      msg.fail(BusMessages.BAD_REQUEST, "asockio.send needs a 'to' header and a Buffer, String or byte[] body");
      return;
    }
    // Connected here, or (alone) known here: no need to look further.
    if (router.connectedHere(to) || (!clustered && router.servesHere(to))) {
      router.send(to, payload).onComplete(ar -> BusMessages.reply(msg, ar.cause()));
      return;
    }
    directory.lookup(to).onComplete(ar -> {
      JsonObject record = ar.succeeded() ? ar.result() : null;
      if (record != null && !nodeId.equals(record.getString("node"))) {
        forward(msg, to, payload, 1);
      } else {
        router.send(to, payload).onComplete(sent -> BusMessages.reply(msg, sent.cause()));
      }
    });
  }

  // NO_HANDLERS means nothing was delivered: the record may be ahead of the address's registration
  // reaching this member, so it is tried again a few times (20 ms doubling, about 0.6 s in all).
  private void forward(Message<Object> msg, String to, Buffer payload, int attempt) {
    bus.request(BusAddresses.client(to), payload, BusMessages.ZERO_COPY).onComplete(fwd -> {
      if (fwd.succeeded()) {
        msg.reply(null);
      } else if (attempt < FORWARD_ATTEMPTS && fwd.cause() instanceof ReplyException
          && ((ReplyException) fwd.cause()).failureType() == ReplyFailure.NO_HANDLERS) {
        vertx.setTimer(20L << (attempt - 1), t -> forward(msg, to, payload, attempt + 1));
      } else if (fwd.cause() instanceof ReplyException
          && ((ReplyException) fwd.cause()).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        msg.fail(((ReplyException) fwd.cause()).failureCode(), fwd.cause().getMessage());
      } else {
        msg.fail(BusAddresses.NOT_CONNECTED, "client " + to + " is not reachable: " + fwd.cause().getMessage());
      }
    });
  }
}
