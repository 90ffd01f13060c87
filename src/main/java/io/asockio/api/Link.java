package io.asockio.api;

import io.asockio.config.LinkConfig;
import io.vertx.core.Future;

/**
 * An outgoing connection kept up by a node (the client role). It dials, introduces itself
 * with its keyword, waits for {@code OK}, and from then on its connection is a client like
 * any accepted one, known under the link's name. After a refusal or a loss it dials again
 * with exponential backoff and jitter, unless reconnection is off.
 */
public interface Link {

  /** Where the link is. */
  enum Status { CONNECTING, OPEN, WAITING, CLOSED }

  LinkConfig linkConfig();

  Status status();

  /** Why the last attempt failed or the last connection ended, or null. */
  String lastFailure();

  /**
   * The outcome of the first attempt: succeeds when the link first opens; fails with a
   * {@link LinkException} if that first attempt fails (with reconnection on, the link keeps
   * trying anyway).
   */
  Future<Void> firstOutcome();

  /** Succeeds the next time the link is open (at once if it is open now); fails if it closes for good. */
  Future<Void> whenOpen();
}
