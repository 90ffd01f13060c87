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
 * <p>With {@code ASOCKIO_BENCH_CLUSTER=NAME} (and {@code ASOCKIO_BENCH_CLUSTER_PORT},
 * {@code ASOCKIO_BENCH_CLUSTER_MEMBERS=host:port,...}) it joins a cluster and serves TCP only (several such
 * processes share PORT with reuseport); a line {@code stats} on its standard input prints the
 * same figures as the control client's {@code stats}, {@code directory} the directory's size alone
 * (no GC), {@code broadcast PREFIX N} sends by name through this node's direct API to those of
 * PREFIX0..PREFIX{N-1} it holds, for a harness that holds each process.
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
        // WINDOW (optional): at most this many requests unanswered, as a sender that minds its memory would.
        int n = Integer.parseInt(cmd[2]);
        int window = cmd.length > 3 ? Integer.parseInt(cmd[3]) : n;
        Buffer hello = Buffer.buffer("hello through the bus");
        int[] next = {0};
        int[] answered = {0};
        int[] ok = {0};
        Runnable[] sendNext = new Runnable[1];
        sendNext[0] = () -> {
          int i = next[0]++;
          node.vertx().eventBus().request(io.asockio.api.BusAddresses.client(cmd[1] + i), hello).onComplete(reply -> {
            ok[0] += reply.succeeded() ? 1 : 0;
            if (++answered[0] == n) {
              send(Buffer.buffer("bus " + n + " ok " + ok[0]));
            } else if (next[0] < n) {
              sendNext[0].run();
            }
          });
        };
        for (int i = 0; i < Math.min(window, n); i++) {
          sendNext[0].run();
        }
      } else if (cmd[0].equals("stats")) {
        stats(node).onComplete(line -> send(Buffer.buffer(line.result())));
      }
    }
  }

  /** "heap H clients C direct D fds F directory N": heap in use after a GC, this node's clients, the directory's size. */
  static io.vertx.core.Future<String> stats(Asockio node) {
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return node.directory().size().otherwise(-1).map(size -> "heap " + used + " clients " + node.clients().size()
        + " direct " + directMemory() + " fds " + openDescriptors() + " directory " + size);
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
    String cluster = System.getenv("ASOCKIO_BENCH_CLUSTER");
    Vertx vertx;
    io.asockio.config.ClusterConfig clusterConfig = null;
    if (cluster != null) {
      clusterConfig = new io.asockio.config.ClusterConfig(true, cluster, "127.0.0.1",
          Integer.parseInt(System.getenv("ASOCKIO_BENCH_CLUSTER_PORT")),
          java.util.List.of(System.getenv("ASOCKIO_BENCH_CLUSTER_MEMBERS").split(",")), 30, null, 0, null, 0, 0);
      vertx = Asockio.vertx(AsockioConfig.of().withCluster(clusterConfig)).await();
    } else {
      vertx = builder.build();
    }
    GateConfig gate = GateConfig.tcp("tcp", "127.0.0.1", port).withInstances(instances).withReusePort(reusePort)
        .withLimits(GateLimits.DEFAULTS.withMaxConnections(100_000).withMaxConnectionsPerAddress(0).withMaxPendingHandshakes(100_000)
            .withMaxPendingHandshakesPerAddress(0)
            .withAcceptRatePerSecond(0));
    GateConfig udp = GateConfig.udp("udp", "127.0.0.1", port)
        .withLimits(GateLimits.DEFAULTS.withIdleTimeoutMs(GateLimits.DEFAULT_UDP_IDLE_TIMEOUT_MS).withMaxConnections(100_000)
            .withMaxPendingHandshakes(100_000).withMaxPendingHandshakesPerAddress(0).withAcceptRatePerSecond(0))
        // ASOCKIO_BENCH_UDP_RECEIVE_BUFFER: the gate socket's receiveBufferBytes (the many-clients entry's keyword bursts).
        .withReceiveBufferBytes(Integer.parseInt(System.getenv().getOrDefault("ASOCKIO_BENCH_UDP_RECEIVE_BUFFER", "0")));
    AsockioConfig config = (cluster != null ? AsockioConfig.of(gate).withCluster(clusterConfig) : AsockioConfig.of(gate, udp))
        .withPolicies(Policies.DEFAULTS);
    if (metrics) {
      config = config.withAdmin(io.asockio.config.AdminConfig.on("127.0.0.1", 0));
    }
    Asockio node = Asockio.startWith(vertx, config, n -> {
      n.gateProcessor("tcp", EchoProcessor::new);
      if (cluster == null) {
        n.gateProcessor("udp", EchoProcessor::new);
      }
      n.clientProcessor("bench-control", () -> new Control(n));
    }).await();
    System.out.println("bench server listening on 127.0.0.1:" + node.port("tcp") + " native=" + vertx.isNativeTransportEnabled()
        + " transport=" + (System.getenv("ASOCKIO_BENCH_TRANSPORT") == null ? "default" : System.getenv("ASOCKIO_BENCH_TRANSPORT"))
        + (metrics ? " metrics on, admin port " + node.adminPort() : "") + (cluster != null ? " cluster " + cluster : ""));
    if (cluster != null) {
      java.io.BufferedReader commands = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
      try {
        for (String line; (line = commands.readLine()) != null; ) {
          if (line.equals("stats")) {
            System.out.println(stats(node).await());
          } else if (line.equals("directory")) {
            System.out.println("directory " + node.directory().size().await());
          } else if (line.startsWith("broadcast ")) {
            // Each node to the names it holds: the direct API without forwarding to other nodes.
            String[] cmd = line.split(" ");
            Buffer hello = Buffer.buffer("hello by name");
            int held = 0;
            for (int i = 0, n = Integer.parseInt(cmd[2]); i < n; i++) {
              io.asockio.api.ClientConnection connection = node.connection(cmd[1] + i);
              if (connection != null) {
                connection.send(hello);
                held++;
              }
            }
            System.out.println("sent " + held);
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
