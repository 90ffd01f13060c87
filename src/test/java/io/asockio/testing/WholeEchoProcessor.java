package io.asockio.testing;

import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;

/**
 * Echoes every message whole: nothing is streamed, so a message up to
 * {@code limits.maxMessageSize} is held until its last byte came (what a service that
 * needs whole messages does).
 */
public class WholeEchoProcessor extends InlineProcessor {

  @Override
  public boolean readsInPlace() {
    return true;
  }

  @Override
  protected void onDataReceived(Buffer data) {
    send(data).onFailure(err -> close());
  }
}
