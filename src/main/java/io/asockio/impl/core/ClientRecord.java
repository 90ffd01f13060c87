package io.asockio.impl.core;

import io.asockio.api.ClientKind;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One known client: a stable id and name, and the connection currently serving it (if any). */
public final class ClientRecord {

  /** What {@link #offerOffline} did with a message. */
  public enum OfflineOffer { QUEUED, CONNECTED, FULL, REFUSED }

  private final long id;
  private final String name;
  private volatile ClientKind kind;
  private volatile NodeConnection connection;

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
  public NodeConnection connection() {
    return connection;
  }

  public boolean isConnected() {
    return connection != null;
  }

  /** Whether the name outlives its connections (declared, or a link's). */
  public boolean isDeclared() {
    return kind == ClientKind.EXPECTED || kind == ClientKind.OUTGOING;
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

  /**
   * A new connection opened: what was kept goes to it first. Runs on the connection's event
   * loop right after it opened; the monitor makes it atomic with {@link #offerOffline}.
   */
  public synchronized void flushOfflineTo(NodeConnection opened) {
    if (offline != null && !offline.isEmpty()) {
      List<Buffer> taken = new ArrayList<>(offline);
      offline.clear();
      offlineBytes = 0;
      opened.sendFirst(taken);
    }
  }

  /** Drops what was kept (a link that will not come back); returns how many messages. */
  public synchronized int dropOffline() {
    int n = offline == null ? 0 : offline.size();
    if (offline != null) {
      offline.clear();
    }
    offlineBytes = 0;
    return n;
  }

  /** Messages waiting for this client to connect. */
  public synchronized int offlineCount() {
    return offline == null ? 0 : offline.size();
  }

  void kind(ClientKind newKind) {
    this.kind = newKind;
  }

  void connection(NodeConnection newConnection) {
    this.connection = newConnection;
  }

  @Override
  public String toString() {
    return "client#" + id + "(" + name + ", " + kind.name().toLowerCase() + (connection == null ? ", disconnected)" : ", connected)");
  }
}
