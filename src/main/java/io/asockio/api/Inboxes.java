package io.asockio.api;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain style's side of the connections: the handler of every connection {@link IoCore}
 * serves files what its client sent in that client's inbox and raises the event that tells the
 * poller; the poller takes the messages out. Filed on the connections' event loops, taken on the
 * polling thread: each inbox is guarded by its own monitor.
 */
final class Inboxes implements ConnectionHandler {

  private final Map<Long, Inbox> byClient = new ConcurrentHashMap<>();
  private final IoEvents events;
  private final long maxUnreadBytes;
  private volatile long streamThreshold = -1;
  private volatile boolean reportEmptyOutput = true;

  /** Unread messages of one client: Buffers and StreamInputs, in order. */
  private static final class Inbox {
    final ArrayDeque<Object> messages = new ArrayDeque<>();
    long bytes;
    boolean paused;
    ClientConnection connection;
  }

  Inboxes(IoEvents events, long maxUnreadBytes) {
    this.events = events;
    this.maxUnreadBytes = maxUnreadBytes;
  }

  void streamThreshold(long bytes) {
    this.streamThreshold = bytes;
  }

  void reportEmptyOutput(boolean report) {
    this.reportEmptyOutput = report;
  }

  // ---- the poller's side --------------------------------------------------------------------

  /** The client's whole messages up to the first streamed one, read-only; reading resumes if it paused. */
  List<Buffer> takeMessages(long clientId) {
    Inbox inbox = byClient.get(clientId);
    if (inbox == null) {
      return List.of();
    }
    List<Buffer> taken;
    ClientConnection resume = null;
    synchronized (inbox) {
      taken = takeBuffers(inbox);
      if (inbox.paused) {
        inbox.paused = false;
        resume = inbox.connection;
      }
    }
    if (resume != null) {
      resume.resumeReading();
    }
    return taken;
  }

  // One message per read is the common case: no list to grow for it.
  private static List<Buffer> takeBuffers(Inbox inbox) {
    if (!(inbox.messages.peek() instanceof Buffer first)) {
      return List.of();
    }
    inbox.messages.poll();
    inbox.bytes -= first.length();
    if (!(inbox.messages.peek() instanceof Buffer)) {
      return List.of(first);
    }
    List<Buffer> taken = new ArrayList<>(inbox.messages.size() + 1);
    taken.add(first);
    while (inbox.messages.peek() instanceof Buffer b) {
      inbox.messages.poll();
      inbox.bytes -= b.length();
      taken.add(b);
    }
    return Collections.unmodifiableList(taken);
  }

  /** The streamed message at the head of the client's inbox, or null. */
  StreamInput takeStream(long clientId) {
    Inbox inbox = byClient.get(clientId);
    if (inbox == null) {
      return null;
    }
    synchronized (inbox) {
      return inbox.messages.peek() instanceof StreamInput ? (StreamInput) inbox.messages.poll() : null;
    }
  }

  int unreadCount(long clientId) {
    Inbox inbox = byClient.get(clientId);
    if (inbox == null) {
      return 0;
    }
    synchronized (inbox) {
      return inbox.messages.size();
    }
  }

  /** Drops the client's inbox; whether it had one. */
  boolean remove(long clientId) {
    return byClient.remove(clientId) != null;
  }

  // ---- the connections' side ----------------------------------------------------------------

  @Override
  public long streamThreshold() {
    return streamThreshold;
  }

  @Override
  public boolean wantsOutputBuffersAreEmpty() {
    return reportEmptyOutput;
  }

  @Override
  public void onMessageStream(ClientConnection connection, MessageStream stream) {
    Inbox inbox = byClient.computeIfAbsent(connection.id(), id -> new Inbox());
    StreamInput input = new StreamInput(connection.id(), stream);
    synchronized (inbox) {
      inbox.messages.add(input);
    }
    events.add(IoEvents.Kind.READABLE, connection.id());
  }

  @Override
  public void onConnected(ClientConnection connection) {
    Inbox inbox = byClient.computeIfAbsent(connection.id(), id -> new Inbox());
    synchronized (inbox) {
      inbox.connection = connection;
      inbox.paused = false;
    }
    ClientKind kind = connection.kind();
    events.add(kind == ClientKind.EXPECTED || kind == ClientKind.OUTGOING ? IoEvents.Kind.CONNECTED_EXPECTED
        : IoEvents.Kind.CONNECTED_UNKNOWN,
        connection.id());
  }

  @Override
  public void onDataReceived(ClientConnection connection, Buffer data) {
    Inbox inbox = byClient.computeIfAbsent(connection.id(), id -> new Inbox());
    boolean pause = false;
    synchronized (inbox) {
      inbox.messages.add(data);
      inbox.bytes += data.length();
      if (!inbox.paused && inbox.bytes > maxUnreadBytes) {
        inbox.paused = true;
        pause = true;
      }
    }
    if (pause) {
      connection.pauseReading();
    }
    events.add(IoEvents.Kind.READABLE, connection.id());
  }

  @Override
  public void onOutputBuffersAreEmpty(ClientConnection connection) {
    events.add(IoEvents.Kind.DRAINED, connection.id());
  }

  @Override
  public void onConnectionLost(ClientConnection connection, CloseReason reason) {
    Inbox inbox = byClient.get(connection.id());
    if (inbox != null) {
      synchronized (inbox) {
        if (inbox.connection == connection) {
          inbox.connection = null;
        }
      }
    }
    events.add(IoEvents.Kind.DISCONNECTED, connection.id());
  }
}
