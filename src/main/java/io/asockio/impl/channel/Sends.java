package io.asockio.impl.channel;

import io.asockio.api.SendException;
import io.asockio.impl.core.Counters;
import io.asockio.impl.core.OutputBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The sends of one connection: they hop onto its event loop, are refused while it does not
 * take sends ({@code NOT_CONNECTED}) or when its queued output would pass
 * {@code limits.maxQueuedOutputBytes} ({@code OUTPUT_FULL}; an empty queue always takes one
 * message, so a message up to {@code maxMessageSize} can always go) or when the node's
 * output together would pass {@code limits.maxNodeOutputBytes} ({@code OUTPUT_FULL} too; here
 * as well a connection with nothing queued takes its message, so the budget holds back slow
 * readers, never the ones that keep up), then go to its {@link OutboundQueue}. Lazy and
 * streamed sends are not refused for the node's budget: they move only while the socket is
 * writable, so each holds at most about its connection's write watermark.
 *
 * <p>A UDP peer takes one datagram per message: a message over {@code maxDatagramSize} is
 * refused ({@code NOT_ONE_DATAGRAM}), and so are an empty one and every streamed send.
 */
final class Sends {

  private final ChannelConnection connection;
  private final OutboundQueue out;
  private final Counters counters;
  private final long maxQueuedOutputBytes;
  private final OutputBudget nodeOutput;
  private final int maxDatagramSize; // 0: a byte stream

  Sends(ChannelConnection connection, OutboundQueue out, Counters counters, long maxQueuedOutputBytes,
        OutputBudget nodeOutput, int maxDatagramSize) {
    this.connection = connection;
    this.out = out;
    this.counters = counters;
    this.maxQueuedOutputBytes = maxQueuedOutputBytes;
    this.nodeOutput = nodeOutput;
    this.maxDatagramSize = maxDatagramSize;
  }

  Future<Void> send(Buffer payload) {
    if (connection.inEventLoop()) {
      return outcome(offer(payload));
    }
    return onLoop(() -> offer(payload));
  }

  private SendException offer(Buffer payload) {
    SendException refused = notOneDatagram(payload.length());
    if (refused == null) {
      refused = check(out.wireSize(payload));
    }
    if (refused == null) {
      out.send(payload);
    }
    return refused;
  }

  Future<Void> send(List<Buffer> payloads) {
    return onLoop(() -> {
      SendException refused = null;
      for (int i = 0; i < payloads.size() && refused == null; i++) {
        refused = notOneDatagram(payloads.get(i).length());
      }
      if (refused == null) {
        refused = check(out.wireSize(payloads));
      }
      if (refused == null) {
        out.send(payloads);
      }
      return refused;
    });
  }

  Future<Void> sendAll(Iterator<Buffer> source) {
    Promise<Void> promise = Promise.promise();
    connection.run(() -> {
      if (!connection.acceptsSends()) {
        promise.fail(notConnected());
      } else {
        out.backlog().add(new IteratorSend(source, promise, this::notOneDatagram));
      }
    });
    return promise.future();
  }

  Future<Void> sendStream(ReadStream<Buffer> source, long length) {
    Promise<Void> promise = Promise.promise();
    source.pause();
    connection.run(() -> {
      if (!connection.acceptsSends()) {
        promise.fail(notConnected());
      } else if (maxDatagramSize > 0) {
        promise.fail(notOneDatagram("sendStream cannot go to a UDP peer (one datagram per message, at most "
            + maxDatagramSize + " bytes); send the message whole"));
      } else if (!out.framed()) {
        promise.fail(new IllegalStateException("sendStream needs a framed connection; on a raw one pipe the bytes with send"));
      } else {
        out.backlog().add(new StreamSend(source, length, promise));
      }
    });
    return promise.future();
  }

  SendException notConnected() {
    counters.count(Counters.sendFailed(SendException.Reason.NOT_CONNECTED));
    return new SendException(SendException.Reason.NOT_CONNECTED, "client " + connection.name() + " is not connected");
  }

  /** Why a message of {@code length} bytes cannot go to a UDP peer, or null (always null on streams). */
  SendException notOneDatagram(long length) {
    if (maxDatagramSize == 0 || (length > 0 && length <= maxDatagramSize)) {
      return null;
    }
    return notOneDatagram(length == 0
        ? "an empty message cannot go to UDP client " + connection.name() + " (Netty sends no empty datagram)"
        : "a message of " + length + " bytes does not fit one datagram to client " + connection.name()
            + " (maxDatagramSize " + maxDatagramSize + ")");
  }

  private SendException notOneDatagram(String text) {
    counters.count(Counters.sendFailed(SendException.Reason.NOT_ONE_DATAGRAM));
    return new SendException(SendException.Reason.NOT_ONE_DATAGRAM, text);
  }

  private SendException check(long bytes) {
    if (!connection.acceptsSends()) {
      return notConnected();
    }
    long queuedBytes = out.queuedBytes();
    if (queuedBytes > 0 && queuedBytes + bytes > maxQueuedOutputBytes) {
      counters.count(Counters.OUTPUT_FULL);
      return new SendException(SendException.Reason.OUTPUT_FULL, "client " + connection.name() + " has " + queuedBytes
          + " bytes of output queued; " + bytes + " more would exceed limits.maxQueuedOutputBytes (" + maxQueuedOutputBytes + ")");
    }
    // A connection whose output the kernel took (a reader keeping up) is not refused for the slow ones.
    if (queuedBytes > 0 && !nodeOutput.fits(bytes)) {
      counters.count(Counters.OUTPUT_FULL);
      counters.count(Counters.NODE_OUTPUT_FULL);
      return new SendException(SendException.Reason.OUTPUT_FULL, "the node has " + nodeOutput.total()
          + " bytes of output queued for its slow readers; " + bytes + " more for client " + connection.name()
          + " would exceed limits.maxNodeOutputBytes (" + nodeOutput.limit() + ")");
    }
    return null;
  }

  private static Future<Void> outcome(SendException refused) {
    return refused == null ? Future.succeededFuture() : Future.failedFuture(refused);
  }

  // On the event loop now (no promise, no task), or in a task of the connection's context.
  private Future<Void> onLoop(Supplier<SendException> offer) {
    if (connection.inEventLoop()) {
      return outcome(offer.get());
    }
    Promise<Void> promise = Promise.promise();
    connection.run(() -> {
      SendException refused = offer.get();
      if (refused == null) {
        promise.complete();
      } else {
        promise.fail(refused);
      }
    });
    return promise.future();
  }
}
