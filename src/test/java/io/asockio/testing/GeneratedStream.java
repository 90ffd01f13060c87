package io.asockio.testing;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A ReadStream of {@code length} bytes computed from their position ({@link #byteAt}), in
 * chunks, honouring pause/resume/fetch: test data of any size without holding it.
 * {@code extra} more bytes than declared (or fewer, when negative) simulate a faulty source.
 */
public final class GeneratedStream implements ReadStream<Buffer> {

  public static final int CHUNK = 64 * 1024;

  private final Context context;
  private final long length;
  private long position;
  private long demand = Long.MAX_VALUE;
  private boolean scheduled;
  private boolean ended;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  public GeneratedStream(Context context, long length) {
    this.context = context;
    this.length = length;
  }

  /** The byte at {@code position} of every generated stream. */
  public static byte byteAt(long position) {
    long x = position * 0x9E3779B97F4A7C15L;
    return (byte) (x ^ (x >>> 29) ^ (position >>> 17));
  }

  @Override
  public synchronized GeneratedStream handler(Handler<Buffer> h) {
    handler = h;
    schedule();
    return this;
  }

  @Override
  public GeneratedStream exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public synchronized GeneratedStream endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  @Override
  public synchronized GeneratedStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public GeneratedStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public synchronized GeneratedStream fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  private void schedule() {
    if (!scheduled && handler != null && demand > 0 && !ended) {
      scheduled = true;
      context.runOnContext(v -> emit());
    }
  }

  private void emit() {
    Handler<Buffer> h;
    Buffer chunk = null;
    Handler<Void> end = null;
    synchronized (this) {
      scheduled = false;
      h = handler;
      if (position < length && demand > 0) {
        int n = (int) Math.min(CHUNK, length - position);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = byteAt(position + i);
        }
        position += n;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        chunk = Buffer.buffer(bytes);
      } else if (position >= length && !ended) {
        ended = true;
        end = endHandler;
      }
    }
    if (chunk != null) {
      h.handle(chunk);
      synchronized (this) {
        schedule();
      }
    } else if (end != null) {
      end.handle(null);
    }
  }
}
