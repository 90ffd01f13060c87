package io.asockio;

import io.asockio.api.Asockio;
import io.asockio.cli.ClientCommand;
import io.asockio.impl.node.Clustering;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.ConfigLoader;
import io.asockio.config.GateConfig;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Command line: {@code java -jar asockio.jar [-conf FILE | FILE]} starts a node on the config
 * file ({@value ConfigLoader#DEFAULT_PATH} by default), overridden by {@code asockio.*}
 * system properties and {@code ASOCKIO_*} environment variables.
 *
 * <p>{@code java -jar asockio.jar client ...} runs the line-oriented client ({@link ClientCommand}).
 *
 * <p>Exit codes: 0 stopped normally, 2 bad usage or config, 1 could not start.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    if (args.length > 0 && args[0].equals("client")) {
      System.exit(ClientCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    String path = ConfigLoader.DEFAULT_PATH;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println("usage: java -jar asockio.jar [-conf FILE | FILE]   (default " + ConfigLoader.DEFAULT_PATH + ")");
        System.out.println("       java -jar asockio.jar client --connect HOST:PORT|SOCKET_PATH --name NAME [--raw]");
        return;
      } else if (arg.equals("-conf") || arg.equals("--conf")) {
        if (i + 1 >= args.length) {
          fail(2, "-conf needs a file path");
        }
        path = args[++i];
      } else if (arg.startsWith("-")) {
        fail(2, "unknown option " + arg + " (try --help)");
      } else {
        path = arg;
      }
    }
    AsockioConfig config = loadConfig(path);
    Vertx vertx;
    try {
      vertx = Clustering.vertx(config).await();
    } catch (Throwable e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      fail(1, "cannot join the cluster: " + cause.getMessage());
      return;
    }
    Asockio node;
    try {
      node = Asockio.start(vertx, config).await();
    } catch (Throwable e) {
      vertx.close();
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      fail(cause instanceof ConfigException ? 2 : 1, (cause instanceof ConfigException ? "config error: " : "cannot start: ")
          + cause.getMessage());
      return;
    }
    for (GateConfig gate : config.gates()) {
      System.out.println("asockio: gate " + gate.name() + " on " + (gate.transport() == GateConfig.Transport.TCP
          ? gate.withPort(node.port(gate.name())).endpoint() : gate.endpoint()) + " (" + gate.mode().name().toLowerCase() + ")");
    }
    System.out.println("asockio: ready (" + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")
        + (config.cluster().enabled() ? ", cluster " + config.cluster().name() + ", node " + node.nodeId() : "") + ")");
    if (config.reloadScanMs() > 0) {
      // Access rules follow the file; a change that does not validate is rejected whole.
      ConfigLoader.watch(vertx, path, config.reloadScanMs(), fresh -> {
        if (!fresh.access().equals(node.accessRules())) {
          try {
            node.reloadAccess(fresh.access());
          } catch (RuntimeException e) {
            System.err.println("asockio: access rules not reloaded: " + e.getMessage());
          }
        }
      }, err -> System.err.println("asockio: config change rejected, the running rules stay: " + err.getMessage()));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "asockio-shutdown"));
  }

  private static AsockioConfig loadConfig(String path) {
    Vertx bootstrap = Vertx.vertx();
    try {
      return ConfigLoader.load(bootstrap, path).await();
    } catch (Throwable e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      fail(2, "config error: " + cause.getMessage());
      return null;
    } finally {
      bootstrap.close();
    }
  }

  private static void fail(int code, String message) {
    System.err.println("asockio: " + message);
    System.exit(code);
  }
}
