package bench;

import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.GateLimits;
import io.asockio.config.Policies;
import io.asockio.demo.EchoProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.lang.management.ManagementFactory;

/**
 * asockio's side of the framed benchmarks: the demo echo on PORT with INSTANCES gate
 * verticles (and REUSEPORT), and on UDP port PORT too (one instance, for the UDP echo), plus a control client, {@code bench-control}, whose commands are
 * {@code broadcast PREFIX N} (one message by name to each of PREFIX0..PREFIX{N-1}; answers
 * the time it took) and {@code stats} (heap in use after a GC, clients, direct memory in use,
 * open descriptors).
 *
 * Usage: BenchServer PORT [INSTANCES] [reuseport]
 */
public final class BenchServer {

  static final class Control extends InlineProcessor {
    final Asockio node;

    Control(Asockio node) {
      this.node = node;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      String[] cmd = data.toString().split(" ");
      if (cmd[0].equals("broadcast")) {
        int n = Integer.parseInt(cmd[2]);
        long t0 = System.nanoTime();
        Buffer hello = Buffer.buffer("hello by name");
        for (int i = 0; i < n; i++) {
          node.send(cmd[1] + i, hello);
        }
        send(Buffer.buffer("sent " + n + " in " + (System.nanoTime() - t0) / 1000 + " us"));
      } else if (cmd[0].equals("busbroadcast")) {
        // The Vert.x way: a request to each client's bus address; answers "bus N ok K" once every reply came.
        int n = Integer.parseInt(cmd[2]);
        Buffer hello = Buffer.buffer("hello through the bus");
        java.util.List<io.vertx.core.Future<?>> replies = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          replies.add(node.vertx().eventBus().request(io.asockio.api.BusAddresses.client(cmd[1] + i), hello));
        }
        io.vertx.core.Future.join(replies).onComplete(done -> send(Buffer.buffer("bus " + n + " ok "
            + replies.stream().filter(io.vertx.core.Future::succeeded).count())));
      } else if (cmd[0].equals("stats")) {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        node.directory().size().onComplete(size -> send(Buffer.buffer("heap " + used + " clients " + node.clients().size()
            + " direct " + directMemory() + " fds " + openDescriptors() + " directory " + (size.succeeded() ? size.result() : -1))));
      }
    }
  }

  // Netty's own count of its direct memory when it keeps one; else the JDK's direct buffer pool.
  static long directMemory() {
    long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
    if (netty >= 0) {
      return netty;
    }
    for (java.lang.management.BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    return -1;
  }

  static long openDescriptors() {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    boolean reusePort = args.length > 2 && args[2].equals("reuseport");
    // ASOCKIO_BENCH_METRICS=1: as an operator runs it, Vert.x's Micrometer metrics and the admin API on (load-tests/run.sh --metrics).
    boolean metrics = "1".equals(System.getenv("ASOCKIO_BENCH_METRICS"));
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if (metrics) {
      options.setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setPrometheusOptions(new io.vertx.micrometer.VertxPrometheusOptions().setEnabled(true)));
    }
    // ASOCKIO_BENCH_TRANSPORT=io_uring: Netty's io_uring transport instead of epoll (run.sh puts it on the classpath).
    io.vertx.core.VertxBuilder builder = Vertx.builder().with(options);
    if ("io_uring".equals(System.getenv("ASOCKIO_BENCH_TRANSPORT"))) {
      if (!io.vertx.core.transport.Transport.IO_URING.available()) {
        throw new IllegalStateException("io_uring unavailable: " + io.vertx.core.transport.Transport.IO_URING.unavailabilityCause());
      }
      builder.withTransport(io.vertx.core.transport.Transport.IO_URING);
    }
    Vertx vertx = builder.build();
    GateConfig gate = GateConfig.tcp("tcp", "127.0.0.1", port).withInstances(instances).withReusePort(reusePort)
        .withLimits(GateLimits.DEFAULTS.withMaxConnections(100_000).withMaxConnectionsPerAddress(0).withMaxPendingHandshakes(100_000)
            .withMaxPendingHandshakesPerAddress(0)
            .withAcceptRatePerSecond(0));
    GateConfig udp = GateConfig.udp("udp", "127.0.0.1", port)
        .withLimits(GateLimits.DEFAULTS.withIdleTimeoutMs(GateLimits.DEFAULT_UDP_IDLE_TIMEOUT_MS).withMaxConnections(100_000)
            .withMaxPendingHandshakes(100_000).withMaxPendingHandshakesPerAddress(0).withAcceptRatePerSecond(0));
    AsockioConfig config = AsockioConfig.of(gate, udp).withPolicies(Policies.DEFAULTS);
    if (metrics) {
      config = config.withAdmin(io.asockio.config.AdminConfig.on("127.0.0.1", 0));
    }
    Asockio node = Asockio.startWith(vertx, config, n -> {
      n.gateProcessor("tcp", EchoProcessor::new);
      n.gateProcessor("udp", EchoProcessor::new);
      n.clientProcessor("bench-control", () -> new Control(n));
    }).await();
    System.out.println("bench server listening on 127.0.0.1:" + node.port("tcp") + " native=" + vertx.isNativeTransportEnabled()
        + " transport=" + (System.getenv("ASOCKIO_BENCH_TRANSPORT") == null ? "default" : System.getenv("ASOCKIO_BENCH_TRANSPORT"))
        + (metrics ? " metrics on, admin port " + node.adminPort() : ""));
  }
}
