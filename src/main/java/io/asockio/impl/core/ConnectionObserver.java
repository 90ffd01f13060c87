package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;

/**
 * Node-wide observer of connection life cycles (the directory, the event bus). Called on the
 * connection's event loop; must not block.
 */
public interface ConnectionObserver {

  /** A connection opened (after OK, or at accept for raw peers). */
  default void opened(ClientConnection connection) {
  }

  /** An open connection ended. */
  default void closed(ClientConnection connection, CloseReason reason) {
  }

  /** A peer was refused before its connection opened; {@code remoteAddress} and {@code gate} say who and where. */
  default void refused(String gate, String transport, String remoteAddress, String reason) {
  }

  /** {@code replacing} took the name of {@code replaced} (policy takeover: replace). */
  default void takenOver(ClientConnection replacing, ClientConnection replaced) {
  }
}
