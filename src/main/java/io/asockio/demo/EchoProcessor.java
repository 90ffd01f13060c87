package io.asockio.demo;

import io.asockio.api.InlineProcessor;
import io.asockio.api.MessageStream;
import io.vertx.core.buffer.Buffer;

/**
 * The built-in demo service: sends every message (or raw chunk) back to its sender. When
 * the sender does not read its echoes, reading from it pauses until the output drains, so
 * memory stays bounded. Messages over {@link #STREAM_THRESHOLD} bytes are streamed back as
 * they arrive, with back-pressure both ways, so even messages larger than the heap (up to
 * 2^64-1 bytes) echo.
 */
public class EchoProcessor extends InlineProcessor {

  /** Above this size a message is echoed as a stream rather than held whole. */
  public static final long STREAM_THRESHOLD = 1024 * 1024;

  // The echo sends what it reads and keeps nothing: no copy of the input needed.
  @Override
  public boolean readsInPlace() {
    return true;
  }

  @Override
  protected void onDataReceived(Buffer data) {
    send(data).onFailure(err -> close());
    if (isOutputFull()) {
      pauseReadingUntilDrained();
    }
  }

  @Override
  public long streamThreshold() {
    return STREAM_THRESHOLD;
  }

  @Override
  protected void onMessageStream(MessageStream message) {
    sendStream(message, message.length());
  }
}
