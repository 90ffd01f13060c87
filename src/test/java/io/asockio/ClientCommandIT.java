package io.asockio;

import io.asockio.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar asockio.jar client ...} against the default server: lines in, lines out, clear exits. */
class ClientCommandIT {

  @Test
  void linesGoOutAsMessagesAndAnswersComeBackAsLines() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "cli");
    Files.createDirectories(work.resolve("conf"));
    Files.copy(Path.of("conf", "asockio.json"), work.resolve("conf/asockio.json"));
    try (ChildJvm server = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "0", "ASOCKIO_GATES_UDP_PORT", "0", "ASOCKIO_POLICIES_UNEXPECTED", "refuse"))) {
      int port = Integer.parseInt(server.awaitLine("gate tcp on tcp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60)).group(1));
      int udpPort = Integer.parseInt(server.awaitLine("gate udp on udp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)).group(1));
      server.awaitLine("asockio: ready", Duration.ofSeconds(30));

      try (ChildJvm alice = ChildJvm.startJar(work, Map.of(), "client", "--connect", "127.0.0.1:" + port, "--name", "manager")) {
        alice.stdin("hello\n");
        alice.awaitLine("^hello$", Duration.ofSeconds(60));
        alice.stdin("second line\n");
        alice.awaitLine("^second line$", Duration.ofSeconds(30));
        alice.closeStdin();
        assertEquals(0, alice.awaitExit(Duration.ofSeconds(30)), alice.output());
      }
      try (ChildJvm udp = ChildJvm.startJar(work, Map.of(), "client", "--udp", "127.0.0.1:" + udpPort, "--name", "manager")) {
        udp.stdin("over udp\n");
        udp.awaitLine("^over udp$", Duration.ofSeconds(60));
        udp.closeStdin();
        assertEquals(0, udp.awaitExit(Duration.ofSeconds(30)), udp.output());
      }
      try (ChildJvm unix = ChildJvm.startJar(work, Map.of(), "client", "--connect", work.resolve("run/asockio.sock").toString(),
          "--name", "manager")) {
        unix.stdin("over unix\n");
        unix.awaitLine("^over unix$", Duration.ofSeconds(60));
        unix.closeStdin();
        assertEquals(0, unix.awaitExit(Duration.ofSeconds(30)));
      }
      try (ChildJvm stranger = ChildJvm.startJar(work, Map.of(), "client", "--connect", "127.0.0.1:" + port, "--name", "stranger")) {
        stranger.awaitLine("asockio: refused by tcp 127\\.0\\.0\\.1:\\d+: unknown keyword", Duration.ofSeconds(60));
        assertEquals(3, stranger.awaitExit(Duration.ofSeconds(30)));
      }
      // The server goes away under a connected client: exit 5 with the cause.
      ChildJvm bob = ChildJvm.startJar(work, Map.of(), "client", "--connect", "127.0.0.1:" + port, "--name", "manager");
      try (bob) {
        bob.stdin("ping\n");
        bob.awaitLine("^ping$", Duration.ofSeconds(60));
        server.process().destroy();
        bob.awaitLine("asockio: connection lost", Duration.ofSeconds(30));
        assertEquals(5, bob.awaitExit(Duration.ofSeconds(30)));
      }
    }
  }

  @Test
  void unreachableServerAndBadUsageHaveTheirOwnExitCodes() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    Path work = Files.createTempDirectory(Path.of("/tmp"), "cli");
    try (ChildJvm nowhere = ChildJvm.startJar(work, Map.of(), "client", "--connect", "127.0.0.1:" + port, "--name", "x")) {
      nowhere.awaitLine("asockio: cannot connect to tcp 127\\.0\\.0\\.1:" + port, Duration.ofSeconds(60));
      assertEquals(4, nowhere.awaitExit(Duration.ofSeconds(30)));
    }
    try (ChildJvm missing = ChildJvm.startJar(work, Map.of(), "client", "--connect", work.resolve("none.sock").toString(),
        "--name", "x")) {
      missing.awaitLine("asockio: cannot connect to unix .*none\\.sock: no such file", Duration.ofSeconds(60));
      assertEquals(4, missing.awaitExit(Duration.ofSeconds(30)));
    }
    try (ChildJvm usage = ChildJvm.startJar(work, Map.of(), "client", "--connect", "no-port-here")) {
      usage.awaitLine("asockio: --connect \\(or --udp\\) and --name are required", Duration.ofSeconds(60));
      assertEquals(2, usage.awaitExit(Duration.ofSeconds(30)));
    }
  }
}
