// Workers as child processes: the node starts two Python workers as process links (their
// stdin and stdout carry the framed protocol, their stderr goes to the log), fans commands
// out to them by name and prints the results. Stopping the node stops the workers.
//
//   java -cp target/asockio.jar examples/ProcessWorkers.java
//
// Wire messages (UTF-8 text in frames, over the pipes):
//   node   -> worker   "task <job> <op> <args>"
//   worker -> node     "result <job> <value>"
import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.ProcessCommand;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class ProcessWorkers {

  static final List<String> WORKERS = List.of("worker-1", "worker-2");
  static final List<String> COMMANDS = List.of("sum 1 2 3", "upper hello", "sum 40 2", "upper asockio", "sum 7");

  /** Serves a worker's link: every message is a result. */
  static final class FromWorker extends InlineProcessor {
    final CountDownLatch results;

    FromWorker(CountDownLatch results) {
      this.results = results;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      System.out.println(data + " (by " + name() + ")");
      results.countDown();
    }
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    CountDownLatch results = new CountDownLatch(COMMANDS.size());
    Asockio node = Asockio.startWith(vertx, AsockioConfig.of(), n -> WORKERS.forEach(w -> n.gateProcessor(w, () -> new FromWorker(results))))
        .await();
    List<Long> pids = new ArrayList<>();
    for (String w : WORKERS) {
      // python3 -u: its stdout is a pipe, and each answer must go out at once.
      ProcessCommand command = new ProcessCommand(List.of("python3", "-u", "examples/python/stdio_worker.py", w),
          Map.of("PYTHONIOENCODING", "utf-8"), null);
      node.link(LinkConfig.process(w, command)).firstOutcome().await();
      pids.add(Long.parseLong(node.client(w).remoteAddress().replace("process ", "")));
    }
    for (int i = 0; i < COMMANDS.size(); i++) {
      node.send(WORKERS.get(i % WORKERS.size()), Buffer.buffer("task " + (i + 1) + " " + COMMANDS.get(i))).await();
    }
    boolean done = results.await(30, TimeUnit.SECONDS);
    System.out.println(done ? "all " + COMMANDS.size() + " commands done" : "timed out waiting for results");
    node.stop().compose(v -> vertx.close()).await();
    boolean stopped = pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    System.out.println(stopped ? "workers stopped" : "a worker is still running");
    System.exit(done && stopped ? 0 : 1);
  }
}
