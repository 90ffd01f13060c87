package io.asockio.demo;

import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;

/**
 * The built-in demo service: sends every message (or raw chunk) back to its sender. When
 * the sender does not read its echoes, reading from it pauses until the output drains, so
 * memory stays bounded.
 */
public class EchoProcessor extends InlineProcessor {

  @Override
  protected void onDataReceived(Buffer data) {
    send(data).onFailure(err -> close());
    if (isOutputFull()) {
      pauseReading();
    }
  }

  @Override
  protected void onOutputBuffersAreEmpty() {
    resumeReading();
  }
}
