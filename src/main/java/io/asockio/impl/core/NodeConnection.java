package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/** A connection as the node's own code sees it: what handlers see, plus closing with a given reason. */
public interface NodeConnection extends ClientConnection {

  /** Closes once the output already queued reached the kernel, for {@code reason}. Thread-safe. */
  void close(CloseReason reason);

  /** The gate's or link's processor class from the config, or null. */
  String configuredProcessor();

  /** Whether its gate announces its clients (links always do): then its name is known cluster-wide. */
  boolean announced();

  /** Event loop only: queues {@code messages} ahead of anything sent later (what was kept while offline). */
  void sendFirst(List<Buffer> messages);
}
