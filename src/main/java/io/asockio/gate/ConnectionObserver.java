package io.asockio.gate;

/**
 * Node-wide observer of connection life cycles (the directory, the event bus). Called on the
 * connection's event loop; must not block.
 */
public interface ConnectionObserver {

  ConnectionObserver NONE = new ConnectionObserver() {
  };

  /** A connection opened (after OK, or at accept for raw peers). */
  default void opened(Connection connection) {
  }

  /** An open connection ended. */
  default void closed(Connection connection, String cause) {
  }

  /** A peer was refused before it was open. */
  default void refused(Connection connection, String reason) {
  }

  /** {@code replacing} took the name of {@code replaced} (policy takeover: replace). */
  default void takenOver(Connection replacing, Connection replaced) {
  }
}
