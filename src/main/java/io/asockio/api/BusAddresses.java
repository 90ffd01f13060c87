package io.asockio.api;

/**
 * The event-bus address scheme of asockio.
 *
 * <pre>
 *  asockio.client.&lt;name&gt;   send a Buffer (or a String, or byte[]) to the client of that name, from any
 *                          verticle on any node; the reply is empty when it was queued, or a failure
 *                          with code {@link #UNKNOWN_CLIENT}, {@link #NOT_CONNECTED}, {@link #OUTPUT_FULL} or
 *                          {@link #NOT_ONE_DATAGRAM}.
 *                          The consumer lives on the node that holds the connection, while it is open
 *                          (not for clients of a gate with announce: false, nor their connected and
 *                          disconnected events).
 *  asockio.send            the node's own local entry point: header {@code to} names the client;
 *                          it also reaches clients connected to other nodes, and queues for declared
 *                          names that are not connected (limits.offlineQueueMessages)
 *  asockio.events          published JSON: {"type": connected|disconnected|refused|takeover, "name", "id",
 *                          "node", "gate", "transport", "remote", "cause"|"reason", "at"}
 *  asockio.admin           the admin operations as JSON requests ({"op": "node" | "clients" | "client" |
 *                          "disconnect" | "reload", ...}), answered by any node; replies are the admin
 *                          API's JSON, refusals fail with the HTTP status as code (see README, Operations)
 *  asockio.admin.&lt;node&gt;    the same, answered by that node
 * </pre>
 *
 * Messages delivered from clients to an application address carry the headers
 * {@link #HEADER_CLIENT} (name) and {@link #HEADER_ID}; reply to each (any body) to let more come.
 * When streaming is on for the delivery, a long message arrives as chunks with
 * {@link #HEADER_STREAM} (id), {@link #HEADER_STREAM_LENGTH} and {@link #HEADER_STREAM_SEQ},
 * in order, then an empty message with {@link #HEADER_STREAM_END} ({@code true}, or
 * {@code error} with {@link #HEADER_STREAM_ERROR} when the connection was lost).
 */
public final class BusAddresses {

  /**
   * The zero-copy codec every node registers: {@code new DeliveryOptions().setCodecName(BusAddresses.CODEC)}
   * hands a {@code Buffer} to a client on the same node without the copy of the default codec.
   * Do not modify a buffer after sending it this way.
   */
  public static final String CODEC = "asockio.buffer";

  public static final String CLIENT_PREFIX = "asockio.client.";
  public static final String SEND = "asockio.send";
  public static final String EVENTS = "asockio.events";
  public static final String ADMIN = "asockio.admin";

  public static final String HEADER_CLIENT = "asockio-client";
  public static final String HEADER_ID = "asockio-id";
  public static final String HEADER_TO = "to";
  /** Streamed message delivered to the bus: its id, total length, chunk number; the end (or {@code error}). */
  public static final String HEADER_STREAM = "asockio-stream";
  public static final String HEADER_STREAM_LENGTH = "asockio-stream-length";
  public static final String HEADER_STREAM_SEQ = "asockio-stream-seq";
  public static final String HEADER_STREAM_END = "asockio-stream-end";
  public static final String HEADER_STREAM_ERROR = "asockio-stream-error";

  public static final int UNKNOWN_CLIENT = 404;
  public static final int NOT_CONNECTED = 503;
  public static final int OUTPUT_FULL = 429;
  /** The client is a UDP peer and the message cannot go as one datagram (too long, or empty). */
  public static final int NOT_ONE_DATAGRAM = 413;

  private BusAddresses() {
  }

  /** The address of a named client. */
  /** The admin address that node {@code nodeId} answers alone. */
  public static String admin(String nodeId) {
    return ADMIN + "." + nodeId;
  }

  public static String client(String name) {
    return CLIENT_PREFIX + name;
  }
}
