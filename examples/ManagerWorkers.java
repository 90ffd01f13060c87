// Commands from a manager: a named "manager" client sends commands to the server, which
// fans the work out to named worker clients and reports each result back to the manager.
// Both roles run here: one node is the server, a second node dials in as the manager and
// two workers (the client role), so the whole exchange runs with one command and exits.
//
//   java -cp target/asockio.jar examples/ManagerWorkers.java
//
// Wire messages (UTF-8 text in frames):
//   manager -> server   "sum 1 2 3" | "upper hello"
//   server  -> worker   "task <job> <command>"
//   worker  -> server   "result <job> <value>"
//   server  -> manager  "done <job> <value> (by <worker>)"
import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ClientConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class ManagerWorkers {

  static final List<String> WORKERS = List.of("worker-1", "worker-2");
  static final List<String> COMMANDS = List.of("sum 1 2 3", "upper hello", "sum 40 2", "upper asockio", "sum 7");

  // ---- server side: the manager's and the workers' processors -----------------------------

  static final class Dispatcher {
    final Asockio node;
    final AtomicInteger jobs = new AtomicInteger();
    final AtomicInteger turn = new AtomicInteger();

    Dispatcher(Asockio node) {
      this.node = node;
    }

    void dispatch(String command) {
      int job = jobs.incrementAndGet();
      // Round-robin over the workers that are connected now.
      List<String> up = WORKERS.stream().filter(w -> node.client(w) != null && node.client(w).connected()).toList();
      if (up.isEmpty()) {
        node.send("manager", Buffer.buffer("failed " + job + " no worker connected"));
        return;
      }
      String worker = up.get(Math.floorMod(turn.getAndIncrement(), up.size()));
      node.send(worker, Buffer.buffer("task " + job + " " + command));
    }
  }

  /** Serves the manager's connection: every message is a command to fan out. */
  static final class FromManager extends InlineProcessor {
    final Dispatcher dispatcher;

    FromManager(Dispatcher dispatcher) {
      this.dispatcher = dispatcher;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      dispatcher.dispatch(data.toString());
    }
  }

  /** Serves a worker's connection: every message is a result to report to the manager. */
  static final class FromWorker extends InlineProcessor {
    final Asockio node;

    FromWorker(Asockio node) {
      this.node = node;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      String[] parts = data.toString().split(" ", 3); // result <job> <value>
      node.send("manager", Buffer.buffer("done " + parts[1] + " " + parts[2] + " (by " + name() + ")"));
    }
  }

  // ---- client side: the worker and manager programs ---------------------------------------

  /** A worker: computes tasks. */
  static final class Worker extends InlineProcessor {
    @Override
    protected void onDataReceived(Buffer data) {
      String[] parts = data.toString().split(" ", 4); // task <job> <op> <args>
      String value = switch (parts[2]) {
        case "sum" -> String.valueOf(Arrays.stream(parts[3].split(" ")).mapToLong(Long::parseLong).sum());
        case "upper" -> parts[3].toUpperCase();
        default -> "unknown command " + parts[2];
      };
      send(Buffer.buffer("result " + parts[1] + " " + value));
    }
  }

  /** The manager: sends its commands once connected, prints the reports. */
  static final class Manager extends InlineProcessor {
    final CountDownLatch reports;

    Manager(CountDownLatch reports) {
      this.reports = reports;
    }

    @Override
    protected void onConnected() {
      COMMANDS.forEach(c -> send(Buffer.buffer(c)));
    }

    @Override
    protected void onDataReceived(Buffer data) {
      System.out.println("manager got: " + data);
      reports.countDown();
    }
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();

    // The server: manager and workers are declared names; anybody else is refused.
    AsockioConfig serverConfig = AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0))
        .withClientConfigs(List.of(ClientConfig.named("manager"), ClientConfig.named("worker-1"), ClientConfig.named("worker-2")))
        .withPolicies(new io.asockio.config.Policies(io.asockio.config.Policies.Unexpected.REFUSE,
            io.asockio.config.Policies.Takeover.REPLACE));
    Asockio server = Asockio.startWith(vertx, serverConfig, node -> {
      Dispatcher dispatcher = new Dispatcher(node);
      node.clientProcessor("manager", () -> new FromManager(dispatcher));
      WORKERS.forEach(w -> node.clientProcessor(w, () -> new FromWorker(node)));
    }).await();
    int port = server.port("tcp");
    System.out.println("server on 127.0.0.1:" + port);

    // The clients, as another node dialling in: workers first, then the manager.
    CountDownLatch reports = new CountDownLatch(COMMANDS.size());
    Asockio clients = Asockio.startWith(vertx, AsockioConfig.of(), node -> {
      WORKERS.forEach(w -> node.gateProcessor(w, Worker::new));
      node.gateProcessor("manager", () -> new Manager(reports));
    }).await();
    for (String w : WORKERS) {
      clients.link(LinkConfig.tcp(w, "127.0.0.1", port)).firstOutcome().await();
    }
    clients.link(LinkConfig.tcp("manager", "127.0.0.1", port)).firstOutcome().await();

    boolean done = reports.await(30, TimeUnit.SECONDS);
    System.out.println(done ? "all " + COMMANDS.size() + " commands done" : "timed out waiting for reports");
    clients.stop().compose(v -> server.stop()).compose(v -> vertx.close()).await();
    System.exit(done ? 0 : 1);
  }
}
