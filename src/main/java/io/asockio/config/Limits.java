package io.asockio.config;

import io.asockio.codec.Frames;
import io.vertx.core.json.JsonObject;


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
 * @param maxHeldInputBytes    bytes of partial messages held by the whole node; a connection whose next
 *                             message would pass it stops being read until there is room (0: half of the
 *                             JVM's direct-memory limit, see {@link #heldInputBudget()})
 * @param shutdownGraceMs      when the node stops, time its connections get to send what is queued
 *                             for them (and the peers to take it) before they are cut; also how long a
 *                             handler that paused its reading gets to read what a peer sent before it ended
 * @param maxNodeOutputBytes   output queued on all connections of the node together beyond which a
 *                             send is refused ({@code OUTPUT_FULL}), so that slow readers cannot exhaust
 *                             the memory everyone's reads need (0: three eighths of the JVM's
 *                             direct-memory limit, see {@link #nodeOutputBudget()})
 */
public record Limits(long maxMessageSize, int maxKeywordLength, long handshakeTimeoutMs, long maxQueuedOutputBytes,
                     int offlineQueueMessages, long offlineQueueBytes, long maxUnreadBytes, int busDeliveryWindow,
                     long maxHeldInputBytes, long shutdownGraceMs, long maxNodeOutputBytes) {

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
  /** 0: derived from the direct-memory limit ({@link #heldInputBudget()}). */
  public static final long DEFAULT_MAX_HELD_INPUT_BYTES = 0;
  /** 0: derived from the direct-memory limit ({@link #nodeOutputBudget()}). */
  public static final long DEFAULT_MAX_NODE_OUTPUT_BYTES = 0;
  /** Under the 10 s a container runtime waits between SIGTERM and SIGKILL. */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
  /** Upper bound of timeouts: a day. */
  static final long DAY_MS = 24L * 3600 * 1000;
  /** Upper bound of message counts. */
  static final int MAX_COUNT = 10_000_000;

  public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_KEYWORD_LENGTH,
      DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_QUEUED_OUTPUT_BYTES, DEFAULT_OFFLINE_QUEUE_MESSAGES,
      DEFAULT_OFFLINE_QUEUE_BYTES, DEFAULT_MAX_UNREAD_BYTES, DEFAULT_BUS_DELIVERY_WINDOW, DEFAULT_MAX_HELD_INPUT_BYTES,
      DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_MAX_NODE_OUTPUT_BYTES);

  static final Key<Long> MAX_MESSAGE_SIZE = Key.number("maxMessageSize", DEFAULT_MAX_MESSAGE_SIZE, 0,
      Frames.MAX_IN_MEMORY_PAYLOAD);
  static final Key<Integer> MAX_KEYWORD_LENGTH = Key.integer("maxKeywordLength", DEFAULT_MAX_KEYWORD_LENGTH, 1,
      MAX_KEYWORD_LENGTH_BOUND);
  static final Key<Long> HANDSHAKE_TIMEOUT_MS = Key.number("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT_MS, 1, DAY_MS);
  static final Key<Long> MAX_QUEUED_OUTPUT_BYTES = Key.number("maxQueuedOutputBytes", DEFAULT_MAX_QUEUED_OUTPUT_BYTES, 1,
      Long.MAX_VALUE);
  static final Key<Integer> OFFLINE_QUEUE_MESSAGES = Key.integer("offlineQueueMessages", DEFAULT_OFFLINE_QUEUE_MESSAGES, 0,
      MAX_COUNT);
  static final Key<Long> OFFLINE_QUEUE_BYTES = Key.number("offlineQueueBytes", DEFAULT_OFFLINE_QUEUE_BYTES, 0, Long.MAX_VALUE);
  static final Key<Long> MAX_UNREAD_BYTES = Key.number("maxUnreadBytes", DEFAULT_MAX_UNREAD_BYTES, 1, Long.MAX_VALUE);
  static final Key<Integer> BUS_DELIVERY_WINDOW = Key.integer("busDeliveryWindow", DEFAULT_BUS_DELIVERY_WINDOW, 1, 1_000_000);
  static final Key<Long> MAX_HELD_INPUT_BYTES = Key.number("maxHeldInputBytes", DEFAULT_MAX_HELD_INPUT_BYTES, 0,
      Long.MAX_VALUE);
  static final Key<Long> SHUTDOWN_GRACE_MS = Key.number("shutdownGraceMs", DEFAULT_SHUTDOWN_GRACE_MS, 0, DAY_MS);
  static final Key<Long> MAX_NODE_OUTPUT_BYTES = Key.number("maxNodeOutputBytes", DEFAULT_MAX_NODE_OUTPUT_BYTES, 0,
      Long.MAX_VALUE);

  static final Section<Limits> SECTION = new Section<Limits>()
      .add(MAX_MESSAGE_SIZE, Limits::maxMessageSize)
      .add(MAX_KEYWORD_LENGTH, Limits::maxKeywordLength)
      .add(HANDSHAKE_TIMEOUT_MS, Limits::handshakeTimeoutMs)
      .add(MAX_QUEUED_OUTPUT_BYTES, Limits::maxQueuedOutputBytes)
      .add(OFFLINE_QUEUE_MESSAGES, Limits::offlineQueueMessages)
      .add(OFFLINE_QUEUE_BYTES, Limits::offlineQueueBytes)
      .add(MAX_UNREAD_BYTES, Limits::maxUnreadBytes)
      .add(BUS_DELIVERY_WINDOW, Limits::busDeliveryWindow)
      .add(MAX_HELD_INPUT_BYTES, Limits::maxHeldInputBytes)
      .add(SHUTDOWN_GRACE_MS, Limits::shutdownGraceMs)
      .add(MAX_NODE_OUTPUT_BYTES, Limits::maxNodeOutputBytes);

  public Limits withMaxMessageSize(long bytes) {
    return new Limits(bytes, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withMaxKeywordLength(int bytes) {
    return new Limits(maxMessageSize, bytes, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withHandshakeTimeoutMs(long ms) {
    return new Limits(maxMessageSize, maxKeywordLength, ms, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withMaxQueuedOutputBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, bytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withOfflineQueueMessages(int messages) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, messages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withOfflineQueueBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        bytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withBusDeliveryWindow(int messages) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, messages, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withMaxUnreadBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, bytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withMaxHeldInputBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, bytes, shutdownGraceMs, maxNodeOutputBytes);
  }

  public Limits withShutdownGraceMs(long ms) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, ms, maxNodeOutputBytes);
  }

  public Limits withMaxNodeOutputBytes(long bytes) {
    return new Limits(maxMessageSize, maxKeywordLength, handshakeTimeoutMs, maxQueuedOutputBytes, offlineQueueMessages,
        offlineQueueBytes, maxUnreadBytes, busDeliveryWindow, maxHeldInputBytes, shutdownGraceMs, bytes);
  }

  /**
   * The node's output budget in bytes: {@link #maxNodeOutputBytes()}, or when that is 0, three
   * eighths of the JVM's direct-memory limit. With the held-input budget's half, an eighth is
   * left for the reads in flight and the allocator's own slack.
   */
  public long nodeOutputBudget() {
    return maxNodeOutputBytes > 0 ? maxNodeOutputBytes
        : Math.max(1, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 8 * 3);
  }

  /**
   * The node's held-input budget in bytes: {@link #maxHeldInputBytes()}, or when that is 0,
   * half of the JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize}, by default the
   * heap's maximum), so that partial messages cannot starve the reads of everyone else.
   */
  public long heldInputBudget() {
    return maxHeldInputBytes > 0 ? maxHeldInputBytes : Math.max(1, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 2);
  }

  static Limits fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    return new Limits(f.read(MAX_MESSAGE_SIZE), f.read(MAX_KEYWORD_LENGTH), f.read(HANDSHAKE_TIMEOUT_MS),
        f.read(MAX_QUEUED_OUTPUT_BYTES), f.read(OFFLINE_QUEUE_MESSAGES), f.read(OFFLINE_QUEUE_BYTES),
        f.read(MAX_UNREAD_BYTES), f.read(BUS_DELIVERY_WINDOW), f.read(MAX_HELD_INPUT_BYTES), f.read(SHUTDOWN_GRACE_MS),
        f.read(MAX_NODE_OUTPUT_BYTES));
  }

  public JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
