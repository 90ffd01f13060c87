package bench;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.ConnectionHandler;
import io.asockio.config.AsockioConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.ProcessCommand;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Process-link throughput, for the record: a node with one process link to {@code cat} (which
 * echoes its stdin, so every frame comes back whole), W messages of S bytes in flight, each
 * echo answered by the next message. Prints one JSON line: messages/s and MiB/s (one way).
 *
 * Usage: ProcessLinkBench SIZE WINDOW SECONDS WARMUP_SECONDS
 */
public final class ProcessLinkBench {

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[0]);
    int window = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    AtomicLong echoed = new AtomicLong();
    Buffer message = Buffer.buffer(new byte[size]);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    Asockio node = Asockio.start(vertx, AsockioConfig.of(), new ConnectionHandler() {
      @Override
      public void onConnected(ClientConnection connection) {
        for (int i = 0; i < window; i++) {
          connection.send(message);
        }
      }

      @Override
      public void onDataReceived(ClientConnection connection, Buffer data) {
        echoed.incrementAndGet();
        connection.send(message);
      }
    }).await();
    node.link(LinkConfig.process("cat", ProcessCommand.of("cat"))).firstOutcome().await();
    LockSupport.parkNanos(warmup * 1_000_000_000L);
    long before = echoed.get();
    long t0 = System.nanoTime();
    LockSupport.parkNanos(seconds * 1_000_000_000L);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long n = echoed.get() - before;
    System.out.printf("{\"messages_per_s\": %.1f, \"mib_per_s\": %.2f, \"size\": %d, \"window\": %d}%n",
        n / elapsed, n * (double) size / elapsed / (1 << 20), size, window);
    node.stop().compose(v -> vertx.close()).await();
    System.exit(0);
  }
}
