package io.asockio.registry;

/**
 * One known client: a stable id and name, and the connection currently serving it (if any).
 *
 * @param <C> the connection type (kept generic so that the registry knows nothing of sockets)
 */
public final class ClientRecord<C> {

  private final long id;
  private final String name;
  private volatile ClientKind kind;
  private volatile C connection;

  ClientRecord(long id, String name, ClientKind kind) {
    this.id = id;
    this.name = name;
    this.kind = kind;
  }

  /** Stable id: the same for a declared name across reconnects. */
  public long id() {
    return id;
  }

  public String name() {
    return name;
  }

  public ClientKind kind() {
    return kind;
  }

  /** The live connection, or null while disconnected. */
  public C connection() {
    return connection;
  }

  public boolean isConnected() {
    return connection != null;
  }

  void kind(ClientKind newKind) {
    this.kind = newKind;
  }

  void connection(C newConnection) {
    this.connection = newConnection;
  }

  @Override
  public String toString() {
    return "client#" + id + "(" + name + ", " + kind.name().toLowerCase() + (connection == null ? ", disconnected)" : ", connected)");
  }
}
