package io.asockio.registry;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One known client: a stable id and name, and the connection currently serving it (if any).
 *
 * @param <C> the connection type (kept generic so that the registry knows nothing of sockets)
 */
public final class ClientRecord<C> {

  /** What {@link #offerOffline} did with a message. */
  public enum OfflineOffer { QUEUED, CONNECTED, FULL, REFUSED }

  private final long id;
  private final String name;
  private volatile ClientKind kind;
  private volatile C connection;

  // Messages kept while disconnected (guarded by this record's monitor).
  private ArrayDeque<Buffer> offline;
  private long offlineBytes;
  private volatile int offlineMessagesLimit;
  private volatile long offlineBytesLimit;

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

  /** Sets how much may be queued for this client while it is disconnected (0 messages: refuse). */
  public void offlineLimits(int messages, long bytes) {
    this.offlineMessagesLimit = messages;
    this.offlineBytesLimit = bytes;
  }

  /**
   * Keeps a message for when the client connects, unless it is connected now (then the
   * caller sends it to the connection) or the bound is reached.
   */
  public synchronized OfflineOffer offerOffline(Buffer message) {
    if (connection != null) {
      return OfflineOffer.CONNECTED;
    }
    if (offlineMessagesLimit == 0) {
      return OfflineOffer.REFUSED;
    }
    if (offline == null) {
      offline = new ArrayDeque<>();
    }
    if (offline.size() >= offlineMessagesLimit || offlineBytes + message.length() > offlineBytesLimit) {
      return OfflineOffer.FULL;
    }
    offline.add(message);
    offlineBytes += message.length();
    return OfflineOffer.QUEUED;
  }

  /** Takes every message kept while disconnected, in order. */
  public synchronized List<Buffer> takeOffline() {
    if (offline == null || offline.isEmpty()) {
      return List.of();
    }
    List<Buffer> taken = new ArrayList<>(offline);
    offline.clear();
    offlineBytes = 0;
    return taken;
  }

  /** Messages waiting for this client to connect. */
  public synchronized int offlineCount() {
    return offline == null ? 0 : offline.size();
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
