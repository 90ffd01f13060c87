package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.SendException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.nio.charset.StandardCharsets;

/** Bodies and replies of asockio's bus addresses. */
final class BusMessages {

  /** Buffers without a copy on local delivery. */
  static final DeliveryOptions ZERO_COPY = new DeliveryOptions().setCodecName(BufferCodec.NAME);
  /** Reply code when something else than a send went wrong. */
  static final int FAILED = 500;
  static final int BAD_REQUEST = 400;

  private BusMessages() {
  }

  /** The message a bus body carries: a Buffer, a String (UTF-8) or a byte[]; null for anything else. */
  static Buffer body(Object body) {
    if (body instanceof Buffer) {
      return (Buffer) body;
    }
    if (body instanceof String) {
      return Buffer.buffer(((String) body).getBytes(StandardCharsets.UTF_8));
    }
    if (body instanceof byte[]) {
      return Buffer.buffer((byte[]) body);
    }
    return null;
  }

  /** Replies empty when {@code failure} is null, else with the code of its reason. */
  static void reply(Message<?> msg, Throwable failure) {
    if (failure == null) {
      msg.reply(null);
    } else if (failure instanceof SendException) {
      SendException e = (SendException) failure;
      msg.fail(code(e.reason()), e.getMessage());
    } else {
      msg.fail(FAILED, String.valueOf(failure.getMessage()));
    }
  }

  /** The failure code a refused send replies with. */
  static int code(SendException.Reason reason) {
    return switch (reason) {
      case UNKNOWN_CLIENT -> BusAddresses.UNKNOWN_CLIENT;
      case NOT_CONNECTED -> BusAddresses.NOT_CONNECTED;
      case OUTPUT_FULL -> BusAddresses.OUTPUT_FULL;
      case NOT_ONE_DATAGRAM -> BusAddresses.NOT_ONE_DATAGRAM;
      case SOURCE_FAILED -> FAILED;
    };
  }

  /** The reason behind a failure code of {@link #code}, or null for a code that names none. */
  static SendException.Reason reason(int code) {
    return switch (code) {
      case BusAddresses.UNKNOWN_CLIENT -> SendException.Reason.UNKNOWN_CLIENT;
      case BusAddresses.NOT_CONNECTED -> SendException.Reason.NOT_CONNECTED;
      case BusAddresses.OUTPUT_FULL -> SendException.Reason.OUTPUT_FULL;
      case BusAddresses.NOT_ONE_DATAGRAM -> SendException.Reason.NOT_ONE_DATAGRAM;
      default -> null;
    };
  }
}
