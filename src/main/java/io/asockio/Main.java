package io.asockio;

import io.asockio.api.Asockio;
import io.asockio.cli.ClientCommand;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.ConfigLoader;
import io.asockio.config.GateConfig;
import io.asockio.impl.node.Clustering;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Command line: {@code java -jar asockio.jar [-conf FILE | FILE] [-options JSON|FILE]
 * [--print-config]} starts a node on the config file ({@value ConfigLoader#DEFAULT_PATH} by
 * default), overridden by {@code asockio.*} system properties and {@code ASOCKIO_*}
 * environment variables. {@code -options} takes Vert.x options as Vert.x's own launcher does
 * (event loops, metrics, ...).
 *
 * <p>{@code java -jar asockio.jar client ...} runs the line-oriented client ({@link ClientCommand}).
 *
 * <p>Exit codes: 0 stopped normally (also on SIGTERM and Ctrl-C), 2 bad usage or config, 1 could not start.
 */
public final class Main {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());
  /** How long a stop may take before the process leaves anyway. */
  static final long STOP_TIMEOUT_SECONDS = 10;

  static final String USAGE = String.join("\n",
      "usage: java -jar asockio.jar [-conf FILE | FILE] [-options JSON|FILE] [--print-config]",
      "       java -jar asockio.jar client --help",
      "       java -jar asockio.jar admin --help",
      "  -conf FILE        the config file (default " + ConfigLoader.DEFAULT_PATH + "); asockio.* system properties and",
      "                    ASOCKIO_* environment variables override its keys (see README)",
      "  -options JSON     Vert.x options, as JSON or a file holding it (eventLoopPoolSize, metricsOptions, ...)",
      "  --print-config    print the effective config (after overrides) as JSON and exit",
      "  -h, --help        this help");

  private Main() {
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    if (args.length > 0 && args[0].equals("client")) {
      System.exit(ClientCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(io.asockio.cli.AdminCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    String path = ConfigLoader.DEFAULT_PATH;
    String vertxOptions = null;
    boolean printConfig = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return;
        }
        case "-conf", "--conf" -> path = value(args, ++i, arg);
        case "-options", "--options" -> vertxOptions = value(args, ++i, arg);
        case "--print-config" -> printConfig = true;
        default -> {
          if (arg.startsWith("-")) {
            fail(2, "unknown option " + arg + " (try --help)");
          }
          path = arg;
        }
      }
    }
    AsockioConfig config = loadConfig(path);
    if (printConfig) {
      JsonObject effective = config.toJson();
      JsonObject admin = effective.getJsonObject("admin");
      if (admin != null && admin.containsKey("token")) {
        admin.put("token", "(hidden)"); // a secret is never printed
      }
      System.out.println(effective.encodePrettily());
      return;
    }
    VertxOptions options = vertxOptions(vertxOptions, config);
    Vertx vertx;
    try {
      vertx = Clustering.vertx(config, options).await();
    } catch (Throwable e) {
      Throwable cause = unwrap(e);
      fail(cause instanceof ConfigException ? 2 : 1, cause instanceof ConfigException ? "config error: " + cause.getMessage()
          : "cannot join the cluster: " + cause.getMessage());
      return;
    }
    Asockio node;
    try {
      node = Asockio.start(vertx, config).await();
    } catch (Throwable e) {
      vertx.close();
      Throwable cause = unwrap(e);
      fail(cause instanceof ConfigException ? 2 : 1, (cause instanceof ConfigException ? "config error: " : "cannot start: ")
          + cause.getMessage());
      return;
    }
    for (GateConfig gate : config.gates()) {
      System.out.println("asockio: gate " + gate.name() + " on " + (gate.transport() != GateConfig.Transport.UNIX
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
    Shutdown shutdown = new Shutdown(node, vertx);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown.stop("the JVM is exiting"), "asockio-shutdown"));
    // A stop asked for by a signal is a normal end: exit 0 (the JVM's own default would be 128 + signal).
    for (String signal : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(() -> {
          shutdown.stop("SIG" + signal);
          System.exit(0);
        }, "asockio-" + signal.toLowerCase()).start());
      } catch (IllegalArgumentException unsupported) {
        // not on this platform: the shutdown hook still stops the node
      }
    }
  }

  /** Stops the node once, whoever asks first. */
  private static final class Shutdown {
    private final Asockio node;
    private final Vertx vertx;
    private final AtomicBoolean done = new AtomicBoolean();

    Shutdown(Asockio node, Vertx vertx) {
      this.node = node;
      this.vertx = vertx;
    }

    void stop(String why) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      LOG.info("stopping: " + why);
      try {
        node.stop().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture()
            .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warning("stop did not finish cleanly: " + e);
      }
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      fail(2, option + " needs a value");
    }
    return args[i];
  }

  // Vert.x options as its launcher takes them: JSON inline, or a file holding it.
  private static VertxOptions vertxOptions(String given, AsockioConfig config) {
    VertxOptions defaults = Clustering.options(config);
    if (given == null) {
      return defaults;
    }
    try {
      String json = given.trim().startsWith("{") ? given : Files.readString(Path.of(given));
      JsonObject merged = defaults.toJson().mergeIn(new JsonObject(json));
      return new VertxOptions(merged);
    } catch (IOException e) {
      fail(2, "-options: cannot read " + given + ": " + e.getMessage());
    } catch (DecodeException | IllegalArgumentException e) {
      fail(2, "-options: not valid Vert.x options: " + ConfigLoader.shortJsonError(e));
    }
    return defaults;
  }

  private static AsockioConfig loadConfig(String path) {
    Vertx bootstrap = Vertx.vertx();
    try {
      return ConfigLoader.load(bootstrap, path).await();
    } catch (Throwable e) {
      fail(2, "config error: " + unwrap(e).getMessage());
      return null;
    } finally {
      bootstrap.close();
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static void fail(int code, String message) {
    System.err.println("asockio: " + message);
    System.exit(code);
  }
}
