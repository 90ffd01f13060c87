package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.MessageStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Delivers each message of a client to a bus address, with headers
 * {@value BusAddresses#HEADER_CLIENT} and {@value BusAddresses#HEADER_ID}, under a window of
 * unacknowledged ones per connection: when the consumer falls behind, the client's socket
 * pauses instead of memory growing. With a stream threshold, longer messages go as chunk
 * messages ({@value BusAddresses#HEADER_STREAM}, {@value BusAddresses#HEADER_STREAM_LENGTH},
 * {@value BusAddresses#HEADER_STREAM_SEQ}) ended by an empty one with
 * {@value BusAddresses#HEADER_STREAM_END}, under the same window.
 */
final class BusDelivery implements ConnectionHandler {

  private static final Logger LOG = Logger.getLogger(BusDelivery.class.getName());

  /** Messages of one connection delivered and not acknowledged yet. */
  private static final class Window {
    int inFlight;
  }

  private final EventBus bus;
  private final String address;
  private final long streamThreshold;
  private final int window;
  private final String nodeId;
  private final Map<ClientConnection, Window> windows = new ConcurrentHashMap<>();
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong inFlightTotal = new AtomicLong();

  BusDelivery(EventBus bus, String address, long streamThreshold, int window, String nodeId) {
    this.bus = bus;
    this.address = address;
    this.streamThreshold = streamThreshold;
    this.window = window;
    this.nodeId = nodeId;
  }

  /** Messages delivered to the address and not answered yet, over all connections. */
  long inFlight() {
    return inFlightTotal.get();
  }

  @Override
  public boolean wantsOutputBuffersAreEmpty() {
    return false;
  }

  @Override
  public long streamThreshold() {
    return streamThreshold;
  }

  @Override
  public void onDataReceived(ClientConnection c, Buffer data) {
    Window w = windows.computeIfAbsent(c, k -> new Window());
    inFlightTotal.incrementAndGet();
    if (++w.inFlight >= window) {
      c.pauseReading(); // the consumer is behind: the client waits, memory does not grow
    }
    bus.request(address, data, options(c)).onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof ReplyException
          && ((ReplyException) ar.cause()).failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
        LOG.fine(() -> "delivery of a message of " + c.name() + " to " + address + " failed: " + ar.cause().getMessage());
      }
      inFlightTotal.decrementAndGet();
      if (w.inFlight-- == window) {
        c.resumeReading();
      }
    });
  }

  @Override
  public void onMessageStream(ClientConnection c, MessageStream stream) {
    Window w = windows.computeIfAbsent(c, k -> new Window());
    String id = nodeId + "-" + streams.incrementAndGet();
    long[] seq = new long[1];
    stream.pause();
    stream.handler(chunk -> {
      DeliveryOptions options = streamOptions(c, id, stream.length()).addHeader(BusAddresses.HEADER_STREAM_SEQ,
          Long.toString(seq[0]++));
      w.inFlight++;
      bus.request(address, chunk, options).onComplete(ar -> {
        w.inFlight--;
        stream.fetch(1); // one acknowledged, one more
      });
    });
    stream.endHandler(v -> bus.request(address, Buffer.buffer(),
        streamOptions(c, id, stream.length()).addHeader(BusAddresses.HEADER_STREAM_END, "true")));
    stream.exceptionHandler(err -> bus.request(address, Buffer.buffer(), streamOptions(c, id, stream.length())
        .addHeader(BusAddresses.HEADER_STREAM_END, "error").addHeader(BusAddresses.HEADER_STREAM_ERROR, String.valueOf(err.getMessage()))));
    stream.fetch(Math.max(1, window - w.inFlight));
  }

  @Override
  public void onConnectionLost(ClientConnection c, CloseReason reason) {
    windows.remove(c);
  }

  private static DeliveryOptions options(ClientConnection c) {
    return new DeliveryOptions().setCodecName(BufferCodec.NAME)
        .addHeader(BusAddresses.HEADER_CLIENT, c.name()).addHeader(BusAddresses.HEADER_ID, Long.toString(c.id()));
  }

  private static DeliveryOptions streamOptions(ClientConnection c, String id, long length) {
    return options(c).addHeader(BusAddresses.HEADER_STREAM, id)
        .addHeader(BusAddresses.HEADER_STREAM_LENGTH, Long.toUnsignedString(length));
  }
}
