package io.asockio.impl.channel;

import io.asockio.api.SendException;
import io.asockio.impl.vertx.VertxBuffers;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.Iterator;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A lazy sender: messages are pulled from the iterator only while the channel is writable,
 * and coalesced into writes of about {@link #BATCH_BYTES}, so a generator of a million
 * messages never sits in memory at once. Its promise completes when the iterator is
 * exhausted; an iterator that throws fails it (what was pulled before still goes out).
 */
final class IteratorSend implements BacklogEntry {

  private static final Logger LOG = Logger.getLogger(IteratorSend.class.getName());
  /** Small messages pulled from an iterator are written in batches of about this size. */
  static final int BATCH_BYTES = 64 * 1024;
  private static final int BATCH_SLACK = 16;

  private final Iterator<Buffer> source;
  private final Promise<Void> done;
  private final LongFunction<SendException> refusal; // a message the connection cannot take (UDP: too large), or null

  IteratorSend(Iterator<Buffer> source, Promise<Void> done, LongFunction<SendException> refusal) {
    this.source = source;
    this.done = done;
    this.refusal = refusal;
  }

  @Override
  public Progress pump(OutboundQueue out) {
    ByteBuf batch = null;
    try {
      while (source.hasNext()) {
        Buffer next = source.next();
        SendException refused = refusal.apply(next.length());
        if (refused != null) {
          done.tryFail(refused); // what was pulled before still goes out
          if (batch != null) {
            out.write(batch);
          }
          return Progress.DONE;
        }
        if (batch == null) {
          batch = out.allocBatch(Math.min(BATCH_BYTES, next.length() + 8) + BATCH_SLACK);
        }
        out.appendTo(batch, next);
        if (batch.readableBytes() >= BATCH_BYTES) {
          break;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "message source for " + out.describe() + " failed; the rest of it is dropped", e);
      done.tryFail(e);
      if (batch != null) {
        out.write(batch);
      }
      return Progress.DONE;
    }
    if (batch == null) {
      done.tryComplete();
      return Progress.DONE;
    }
    out.write(batch);
    return Progress.MORE;
  }

  @Override
  public void fail(SendException cause) {
    done.tryFail(cause);
  }
}
