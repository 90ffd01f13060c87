package bench;

import io.asockio.api.Asockio;
import io.asockio.api.BusAddresses;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ClusterConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages/s to one named client: by the direct API ({@code node.send}), through the event
 * bus on the same node ({@code asockio.client.<name>}, request/reply), and across two
 * cluster nodes (the client on another JVM). The sends come from a Vert.x context (as from a
 * verticle), at most WINDOW in flight. The first WARM_MESSAGES are not timed (each run is a
 * fresh JVM on one core, and the bus path has more code for the JIT to compile than a method
 * call); the time runs from the client's reading the last of them to its reading the last
 * message. Prints one JSON line.
 *
 * Usage: BusBench direct|bus MESSAGES SIZE
 *        BusBench cluster MESSAGES SIZE REMOTE_PORT CLUSTER_NAME
 */
public final class BusBench {

  static final int WINDOW = 1000;
  static final int WARM_MESSAGES = 200_000;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int messages = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    Vertx vertx;
    int port;
    Asockio node;
    if (mode.equals("cluster")) {
      port = Integer.parseInt(args[3]);
      AsockioConfig config = AsockioConfig.of().withCluster(ClusterConfig.DEFAULTS.enabled(args[4]));
      vertx = Asockio.vertx(config).await();
      node = Asockio.start(vertx, config).await();
    } else {
      vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
      node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0))
          .withLimits(Limits.DEFAULTS.withMaxQueuedOutputBytes(Long.MAX_VALUE))).await();
      port = node.port("tcp");
    }
    int total = WARM_MESSAGES + messages;
    AtomicLong received = new AtomicLong();
    long[] timed = new long[2]; // the client's clock: read the last warm-up message, read the last message
    Socket sink = new Socket("127.0.0.1", port);
    OutputStream out = sink.getOutputStream();
    out.write(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4).put("sink".getBytes()).array());
    out.flush();
    DataInputStream in = new DataInputStream(new BufferedInputStream(sink.getInputStream(), 1 << 16));
    byte[] header = new byte[8];
    in.readFully(header);
    in.readFully(new byte[2]); // OK
    Thread reader = new Thread(() -> {
      try {
        byte[] payload = new byte[size];
        for (int i = 0; i < total; i++) {
          in.readFully(header);
          in.readFully(payload, 0, (int) ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong());
          if (i == WARM_MESSAGES - 1) {
            timed[0] = System.nanoTime();
          } else if (i >= WARM_MESSAGES) {
            received.incrementAndGet();
          }
        }
        timed[1] = System.nanoTime();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "sink");
    reader.start();
    // The name must be known where we send from.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (node.directory().lookup("sink").await() == null && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    Buffer message = Buffer.buffer(new byte[size]);
    DeliveryOptions zeroCopy = new DeliveryOptions().setCodecName(BusAddresses.CODEC);
    AtomicLong failures = new AtomicLong();
    // The sends come from a Vert.x context, as from any verticle: a plain thread would make Vert.x create a
    // context for every request it sends (VertxImpl.createContext was a quarter of the sender's time).
    Context sender = vertx.getOrCreateContext();
    int[] sent = {0};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (sent[0] >= total) {
        return;
      }
      sent[0]++;
      Future<?> f = mode.equals("direct") ? node.send("sink", message)
          : vertx.eventBus().request(BusAddresses.client("sink"), message, zeroCopy);
      Runnable completed = () -> {
        if (f.failed()) {
          failures.incrementAndGet();
        }
        next[0].run(); // at most WINDOW in flight: each completion sends the next
      };
      if (f.isComplete()) {
        sender.runOnContext(v -> completed.run()); // completed at once: a task, not a deeper stack
      } else {
        // Both paths are two hops: to the connection's event loop and back to the sender's context.
        f.onComplete(ar -> {
          if (Vertx.currentContext() == sender) {
            completed.run();
          } else {
            sender.runOnContext(v -> completed.run());
          }
        });
      }
    };
    sender.runOnContext(v -> {
      for (int i = 0; i < WINDOW; i++) {
        next[0].run();
      }
    });
    reader.join(180_000);
    double seconds = ((reader.isAlive() ? System.nanoTime() : timed[1]) - timed[0]) / 1e9;
    System.out.printf("{\"mode\": \"%s\", \"messages\": %d, \"warm_messages\": %d, \"size\": %d, \"received\": %d, "
        + "\"failures\": %d, \"messages_per_s\": %.0f, \"mib_per_s\": %.1f}%n", mode, messages, WARM_MESSAGES, size,
        received.get(), failures.get(), received.get() / seconds, received.get() * (double) size / seconds / (1 << 20));
    sink.close();
    node.stop().await();
    vertx.close().await();
    System.exit(0);
  }
}
