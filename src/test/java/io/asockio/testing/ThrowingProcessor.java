package io.asockio.testing;

import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;

/** Echoes, except that the message {@code boom} throws from the callback. */
public class ThrowingProcessor extends InlineProcessor {

  @Override
  protected void onDataReceived(Buffer data) {
    if (data.toString().equals("boom")) {
      throw new IllegalStateException("boom requested by the test");
    }
    send(data);
  }
}
