package io.asockio.cli;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.CloseReason;
import io.asockio.api.Link;
import io.asockio.api.LinkException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code asockio client --connect HOST:PORT|SOCKET_PATH|--udp HOST:PORT --name NAME [options]} (see {@link #USAGE}):
 * a line-oriented client. Each line read from stdin is sent as one message; each message
 * received is printed as one line. At the end of stdin it waits until no message arrived for
 * {@code --linger-ms} (default 500) and exits.
 *
 * <p>Exit codes: 0 done, 2 bad usage, 3 refused by the server (reason printed), 4 cannot
 * connect, 5 connection lost.
 */
public final class ClientCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_REFUSED = 3;
  public static final int EXIT_UNREACHABLE = 4;
  public static final int EXIT_LOST = 5;

  static final String USAGE = String.join("\n",
      "usage: java -jar asockio.jar client (--connect HOST:PORT|SOCKET_PATH | --udp HOST:PORT) --name NAME [options]",
      "  --connect TARGET     HOST:PORT ([::1]:PORT for IPv6) or the path of a Unix socket",
      "  --udp HOST:PORT      over UDP: one datagram per line (no delivery or order guarantee);",
      "                       the keyword is sent again until the server answers",
      "  --name NAME          the keyword to introduce itself with (not needed with --raw)",
      "  --raw                no handshake and no framing: lines go out as bytes (with \\n)",
      "  --linger-ms N        at the end of stdin, wait until nothing arrived for N ms (default 500)",
      "  --tls                TLS, the server verified against the JVM's trusted CAs and its host name",
      "  --trust FILE.pem     TLS, trusting this CA certificate (repeatable; implies --tls)",
      "  --cert FILE.pem --key FILE.pem   a client certificate (implies --tls)",
      "  --p12 FILE --p12-password PW     a client certificate from a PKCS#12 store (implies --tls)",
      "  --no-hostname-check  TLS without checking the server's host name against its certificate",
      "  -h, --help           this help",
      "exit codes: 0 done, 2 bad usage, 3 refused by the server, 4 cannot connect, 5 connection lost");

  private ClientCommand() {
  }

  /** Runs the command; returns the exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    // stdout carries messages and stderr errors: the node's INFO lines would only get in the way.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    String target = null;
    boolean udp = false;
    String name = null;
    boolean raw = false;
    long lingerMs = 500;
    boolean tls = false;
    boolean hostnameCheck = true;
    List<String> trust = new java.util.ArrayList<>();
    String cert = null;
    String key = null;
    String p12 = null;
    String p12Password = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (arg) {
        case "--raw" -> raw = true;
        case "--tls" -> tls = true;
        case "--no-hostname-check" -> hostnameCheck = false;
        case "-h", "--help" -> {
          out.println(USAGE);
          return EXIT_OK;
        }
        case "--connect", "--udp", "--name", "--linger-ms", "--trust", "--cert", "--key", "--p12", "--p12-password" -> {
          if (value == null) {
            err.println("asockio: " + arg + " needs a value\n" + USAGE);
            return EXIT_USAGE;
          }
          i++;
          switch (arg) {
            case "--connect" -> {
              target = value;
              udp = false;
            }
            case "--udp" -> {
              target = value;
              udp = true;
            }
            case "--name" -> name = value;
            case "--trust" -> trust.add(value);
            case "--cert" -> cert = value;
            case "--key" -> key = value;
            case "--p12" -> p12 = value;
            case "--p12-password" -> p12Password = value;
            default -> {
              try {
                lingerMs = Long.parseLong(value);
              } catch (NumberFormatException e) {
                err.println("asockio: --linger-ms needs a number of milliseconds");
                return EXIT_USAGE;
              }
            }
          }
        }
        default -> {
          err.println("asockio: unknown argument " + arg + "\n" + USAGE);
          return EXIT_USAGE;
        }
      }
    }
    if (target == null || (name == null && !raw)) {
      err.println("asockio: --connect (or --udp) and --name are required\n" + USAGE);
      return EXIT_USAGE;
    }
    if ((cert == null) != (key == null)) {
      err.println("asockio: --cert and --key go together");
      return EXIT_USAGE;
    }
    LinkConfig link;
    try {
      link = udp ? parseUdpTarget(target, name == null ? "raw" : name) : parseTarget(target, name == null ? "raw" : name);
    } catch (IllegalArgumentException e) {
      err.println("asockio: " + e.getMessage());
      return EXIT_USAGE;
    }
    if (link.transport() == GateConfig.Transport.UNIX && !java.nio.file.Files.exists(java.nio.file.Path.of(link.path()))) {
      err.println("asockio: cannot connect to " + link.target() + ": no such file");
      return EXIT_UNREACHABLE;
    }
    if (tls || !trust.isEmpty() || cert != null || p12 != null) {
      if (link.transport() != GateConfig.Transport.TCP) {
        err.println("asockio: TLS needs a --connect HOST:PORT target");
        return EXIT_USAGE;
      }
      TlsConfig tlsConfig = new TlsConfig(cert, key, p12, p12Password, TlsConfig.ClientAuth.NONE, trust, null, null,
          hostnameCheck ? TlsConfig.HostnameVerification.HTTPS : TlsConfig.HostnameVerification.NONE);
      link = link.withTls(tlsConfig);
    }
    link = link.withReconnect(LinkConfig.Reconnect.OFF).withMode(raw ? GateConfig.Mode.RAW : GateConfig.Mode.FRAMED);
    return connectAndPump(link, lingerMs, out, err);
  }

  static LinkConfig parseTarget(String target, String name) {
    if (target.contains("/") || target.endsWith(".sock")) {
      return LinkConfig.unix("server", target).withKeyword(name);
    }
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("--connect expects HOST:PORT or a Unix socket path, got " + target);
    }
    return LinkConfig.tcp("server", host(target, colon), port(target, colon)).withKeyword(name);
  }

  static LinkConfig parseUdpTarget(String target, String name) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("--udp expects HOST:PORT, got " + target);
    }
    return LinkConfig.udp("server", host(target, colon), port(target, colon)).withKeyword(name);
  }

  private static String host(String target, int colon) {
    return target.substring(0, colon).replace("[", "").replace("]", "");
  }

  private static int port(String target, int colon) {
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in " + target);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range in " + target);
    }
    return port;
  }

  private static int connectAndPump(LinkConfig link, long lingerMs, PrintStream out, PrintStream err) {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    AtomicReference<String> lost = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    ConnectionHandler printer = new ConnectionHandler() {
      @Override
      public void onDataReceived(ClientConnection connection, Buffer data) {
        synchronized (out) {
          out.println(data.toString(StandardCharsets.UTF_8));
          out.flush();
        }
        lastReceived.set(System.nanoTime());
      }

      @Override
      public void onConnectionLost(ClientConnection connection, CloseReason reason) {
        lost.compareAndSet(null, reason.toString());
        closed.countDown();
      }
    };
    try {
      Asockio node = Asockio.start(vertx, AsockioConfig.of(), printer).await();
      Link clientLink = node.link(link);
      try {
        clientLink.firstOutcome().await();
      } catch (Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof LinkException && ((LinkException) cause).kind() == LinkException.Kind.REFUSED) {
          err.println("asockio: " + cause.getMessage());
          return EXIT_REFUSED;
        }
        err.println("asockio: " + cause.getMessage());
        return EXIT_UNREACHABLE;
      }
      // stdin is read on its own thread, so that a lost connection is noticed at once.
      CountDownLatch inputDone = new CountDownLatch(1);
      AtomicReference<String> inputError = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = stdin.readLine()) != null && closed.getCount() > 0) {
            node.send(link.name(), Buffer.buffer(line + (link.mode() == GateConfig.Mode.RAW ? "\n" : ""))).await();
          }
        } catch (IOException e) {
          inputError.set(e.getMessage());
        } catch (RuntimeException e) {
          // the connection went away; reported by the main thread
        } finally {
          inputDone.countDown();
        }
      }, "asockio-stdin");
      reader.setDaemon(true);
      reader.start();
      while (closed.getCount() > 0 && inputDone.getCount() > 0) {
        closed.await(50, TimeUnit.MILLISECONDS);
      }
      if (inputError.get() != null) {
        err.println("asockio: cannot read stdin: " + inputError.get());
        return EXIT_LOST;
      }
      if (closed.getCount() > 0) {
        // End of input: wait for answers until the line was quiet for lingerMs, then leave.
        lastReceived.accumulateAndGet(System.nanoTime(), Math::max);
        while (closed.getCount() > 0 && System.nanoTime() - lastReceived.get() < TimeUnit.MILLISECONDS.toNanos(lingerMs)) {
          closed.await(Math.max(1, lingerMs / 10), TimeUnit.MILLISECONDS);
        }
        if (closed.getCount() > 0) {
          node.unlink(link.name()).await();
          return EXIT_OK;
        }
      }
      err.println("asockio: connection lost: " + lost.get());
      return EXIT_LOST;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_LOST;
    } finally {
      vertx.close();
    }
  }
}
