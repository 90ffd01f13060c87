package io.asockio.testing;

import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;

/**
 * For memory tests: "flood" makes it send 1 MiB messages to the sender until a send is
 * refused (the sender is expected not to read), then print how many went; anything else is
 * echoed.
 */
public class FloodProcessor extends InlineProcessor {

  @Override
  protected void onDataReceived(Buffer data) {
    if (!data.toString().equals("flood")) {
      send(data);
      return;
    }
    int sent = 0;
    // Sends on the event loop are decided at once: the first refusal ends the flood.
    while (sent < 1000 && send(Buffer.buffer(new byte[1024 * 1024])).succeeded()) {
      sent++;
    }
    System.out.println("flood to " + name() + ": " + sent + " MiB queued, then refused");
  }
}
