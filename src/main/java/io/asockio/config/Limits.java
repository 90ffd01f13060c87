package io.asockio.config;

import io.asockio.codec.Frames;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Bounds that keep one peer from hurting the others.
 *
 * @param maxMessageSize       largest message buffered whole, in bytes; a longer frame closes the connection
 * @param maxKeywordLength     largest keyword accepted in a handshake, in bytes
 * @param handshakeTimeoutMs   time a peer has to send its whole keyword frame (slowloris protection)
 * @param maxQueuedOutputBytes output queued on one connection beyond which a send is refused
 * @param offlineQueueMessages messages kept for a declared client while it is disconnected, sent when it
 *                             connects; 0 refuses such sends with {@code NOT_CONNECTED}
 * @param offlineQueueBytes    bytes kept for one disconnected client, at most
 * @param maxUnreadBytes       bytes received from one client and not yet taken through the plain-code API
 *                             ({@code IoCore}) beyond which reading from that client pauses
 * @param busDeliveryWindow    messages of one client delivered to an event-bus address and not yet
 *                             acknowledged (replied to) beyond which reading from that client pauses
 */
public record Limits(long maxMessageSize, int maxKeywordLength, long handshakeTimeoutMs, long maxQueuedOutputBytes,
                     int offlineQueueMessages, long offlineQueueBytes, long maxUnreadBytes, int busDeliveryWindow) {

  public static final long DEFAULT_MAX_MESSAGE_SIZE = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_KEYWORD_LENGTH = 1024;
  /** Keywords are names, not payloads: 64 KiB is far beyond any sensible one. */
  public static final int MAX_KEYWORD_LENGTH_BOUND = 64 * 1024;
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_MAX_QUEUED_OUTPUT_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_OFFLINE_QUEUE_MESSAGES = 0;
  public static final long DEFAULT_OFFLINE_QUEUE_BYTES = 16L * 1024 * 1024;
  public static final long DEFAULT_MAX_UNREAD_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_BUS_DELIVERY_WINDOW = 64;

  public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_KEYWORD_LENGTH,
      DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_QUEUED_OUTPUT_BYTES, DEFAULT_OFFLINE_QUEUE_MESSAGES,
      DEFAULT_OFFLINE_QUEUE_BYTES, DEFAULT_MAX_UNREAD_BYTES, DEFAULT_BUS_DELIVERY_WINDOW);

  static final Set<String> KEYS = Set.of("maxMessageSize", "maxKeywordLength", "handshakeTimeoutMs",
      "maxQueuedOutputBytes", "offlineQueueMessages", "offlineQueueBytes", "maxUnreadBytes", "busDeliveryWindow");

  public Limits withMaxMessageSize(long bytes) {
    return new Limits(bytes, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow);
  }

  public Limits withMaxKeywordLength(int bytes) {
    return new Limits(maxMessageSize, bytes, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow);
  }

  public Limits withHandshakeTimeoutMs(long ms) {
    return new Limits(maxMessageSize, maxKeywordLength, ms, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow);
  }

  public Limits withMaxQueuedOutputBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, bytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow);
  }

  public Limits withOfflineQueue(int messages, long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, messages, bytes,
        maxUnreadBytes, busDeliveryWindow);
  }

  public Limits withBusDeliveryWindow(int messages) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, messages);
  }

  public Limits withMaxUnreadBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, bytes, busDeliveryWindow);
  }

  static Limits fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    return new Limits(
        f.number("maxMessageSize", DEFAULT_MAX_MESSAGE_SIZE, 0, Frames.MAX_IN_MEMORY_PAYLOAD),
        f.integer("maxKeywordLength", DEFAULT_MAX_KEYWORD_LENGTH, 1, MAX_KEYWORD_LENGTH_BOUND),
        f.number("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT_MS, 1, 24L * 3600 * 1000),
        f.number("maxQueuedOutputBytes", DEFAULT_MAX_QUEUED_OUTPUT_BYTES, 1, Long.MAX_VALUE),
        f.integer("offlineQueueMessages", DEFAULT_OFFLINE_QUEUE_MESSAGES, 0, 10_000_000),
        f.number("offlineQueueBytes", DEFAULT_OFFLINE_QUEUE_BYTES, 0, Long.MAX_VALUE),
        f.number("maxUnreadBytes", DEFAULT_MAX_UNREAD_BYTES, 1, Long.MAX_VALUE),
        f.integer("busDeliveryWindow", DEFAULT_BUS_DELIVERY_WINDOW, 1, 1_000_000));
  }

  public JsonObject toJson() {
    return new JsonObject().put("maxMessageSize", maxMessageSize).put("maxKeywordLength", maxKeywordLength)
        .put("handshakeTimeoutMs", handshakeTimeoutMs).put("maxQueuedOutputBytes", maxQueuedOutputBytes)
        .put("offlineQueueMessages", offlineQueueMessages).put("offlineQueueBytes", offlineQueueBytes)
        .put("maxUnreadBytes", maxUnreadBytes).put("busDeliveryWindow", busDeliveryWindow);
  }
}
