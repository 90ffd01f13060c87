package io.asockio.api;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A streamed message for plain code: a blocking {@link InputStream} over a
 * {@link MessageStream}. It asks the connection for a few chunks at a time and for more only
 * as they are read, so a huge message flows through bounded memory. Read it from a plain
 * thread, never from an event loop.
 */
public final class StreamInput extends InputStream {

  /** Chunks requested ahead of the reader. */
  static final int WINDOW = 4;

  private final MessageStream stream;
  private final long clientId;
  private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
  private Buffer current;
  private int position;
  private boolean ended;
  private String failure;

  /** Must be created on the connection's event loop (in the stream's onStream callback). */
  StreamInput(long clientId, MessageStream stream) {
    this.clientId = clientId;
    this.stream = stream;
    stream.pause();
    stream.handler(chunk -> {
      synchronized (this) {
        chunks.add(chunk);
        notifyAll();
      }
    });
    stream.endHandler(v -> {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    });
    stream.exceptionHandler(err -> {
      synchronized (this) {
        failure = err.getMessage();
        notifyAll();
      }
    });
    stream.fetch(WINDOW);
  }

  /** The client the message came from. */
  public long clientId() {
    return clientId;
  }

  /** Declared length of the whole message, unsigned. */
  public long length() {
    return stream.length();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    Buffer chunk;
    synchronized (this) {
      while (current == null || position == current.length()) {
        if (current != null) {
          current = null;
          stream.connection().context().runOnContext(v -> stream.fetch(1)); // one consumed, one more
        }
        if (!chunks.isEmpty()) {
          current = chunks.poll();
          position = 0;
          continue;
        }
        if (failure != null) {
          throw new IOException(failure);
        }
        if (ended) {
          return -1;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reading a streamed message", e);
        }
      }
      chunk = current;
    }
    int n = Math.min(length, chunk.length() - position);
    chunk.getBytes(position, position + n, into, offset);
    synchronized (this) {
      position += n;
    }
    return n;
  }
}
