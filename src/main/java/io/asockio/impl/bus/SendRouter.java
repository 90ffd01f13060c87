package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.ClientDirectory;
import io.asockio.api.SendException;
import io.asockio.impl.core.ClientRouter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Sending by name across a cluster, for {@link io.asockio.api.Asockio#send(String, Buffer)} and
 * {@value BusAddresses#SEND}, the node's local entry point on the bus (header {@code to} names the
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
    send(to, payload).onComplete(ar -> BusMessages.reply(msg, ar.cause()));
  }

  /**
   * To the client of this name wherever it is: one served here through the router (offline
   * queue included), one connected to another node through its address. Fails as a send here
   * would, with a {@link SendException}.
   */
  Future<Void> send(String to, Buffer payload) {
    // Connected here, or (without a cluster) known here: no need to look further.
    Future<Void> here = router.sendIfHere(to, payload, !clustered);
    if (here != null) {
      return here;
    }
    return directory.lookup(to).transform(ar -> {
      JsonObject record = ar.succeeded() ? ar.result() : null;
      if (record == null || nodeId.equals(record.getString("node"))) {
        return router.send(to, payload);
      }
      Promise<Void> forwarded = Promise.promise();
      forward(forwarded, to, payload, 1);
      return forwarded.future();
    });
  }

  // NO_HANDLERS means nothing was delivered: the record may be ahead of the address's registration
  // reaching this member, so it is tried again a few times (20 ms doubling, about 0.6 s in all).
  private void forward(Promise<Void> forwarded, String to, Buffer payload, int attempt) {
    bus.request(BusAddresses.client(to), payload, BusMessages.ZERO_COPY).onComplete(fwd -> {
      if (fwd.succeeded()) {
        forwarded.complete();
      } else if (attempt < FORWARD_ATTEMPTS && fwd.cause() instanceof ReplyException
          && ((ReplyException) fwd.cause()).failureType() == ReplyFailure.NO_HANDLERS) {
        vertx.setTimer(20L << (attempt - 1), t -> forward(forwarded, to, payload, attempt + 1));
      } else {
        forwarded.fail(remoteFailure(to, fwd.cause()));
      }
    });
  }

  // The other node's refusal as the SendException a send there gave; anything else: not reachable.
  private static Throwable remoteFailure(String to, Throwable cause) {
    if (cause instanceof ReplyException && ((ReplyException) cause).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      SendException.Reason reason = BusMessages.reason(((ReplyException) cause).failureCode());
      return reason == null ? cause : new SendException(reason, cause.getMessage());
    }
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + to + " is not reachable: " + cause.getMessage());
  }
}
