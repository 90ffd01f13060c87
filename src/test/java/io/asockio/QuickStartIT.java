package io.asockio;

import io.asockio.testing.ChildJvm;
import io.asockio.testing.FrameClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar, started the way README's quick start starts it (on conf/asockio.json),
 * echoes over TCP and over its Unix socket. Only the TCP port is overridden (to 0), through
 * the documented environment variable, so that CI never collides on 25000.
 */
class QuickStartIT {

  @Test
  void jarStartsOnTheDefaultConfigAndEchoes() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    Files.createDirectories(work.resolve("conf"));
    Files.copy(Path.of("conf", "asockio.json"), work.resolve("conf/asockio.json"));
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "0", "ASOCKIO_GATES_UDP_PORT", "0"))) {
      Matcher tcp = jar.awaitLine("gate tcp on tcp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60));
      jar.awaitLine("asockio: ready \\((epoll|nio)\\)", Duration.ofSeconds(30));
      int port = Integer.parseInt(tcp.group(1));
      try (FrameClient c = FrameClient.named("127.0.0.1", port, "manager")) {
        c.sendFrame("hello");
        assertEquals("hello", c.readText());
      }
      try (FrameClient c = FrameClient.unix(work.resolve("run/asockio.sock"))) {
        c.handshake("someone");
        c.sendFrame("over unix");
        assertEquals("over unix", c.readText());
      }
      jar.terminate(); // SIGTERM: a graceful stop, a normal end
      assertEquals(0, jar.awaitExit(Duration.ofSeconds(30)), jar.output());
      assertTrue(jar.output().contains("stopping: SIGTERM"), jar.output());
      assertTrue(!Files.exists(work.resolve("run/asockio.sock")), "the socket file is removed on stop");
    }
  }

  @Test
  void aBadConfigStopsTheStartWithTheKeyNamed() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    Path conf = work.resolve("bad.json");
    Files.writeString(conf, "{\"gates\":[{\"name\":\"tcp\",\"port\":\"abc\"}]}");
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "-conf", conf.toString())) {
      jar.awaitLine("config error: gates\\[0\\]\\.port: expected an integer", Duration.ofSeconds(60));
      assertEquals(2, jar.awaitExit(Duration.ofSeconds(30)));
    }
  }

  @Test
  void aMissingFileOrMalformedJsonSayWhatIsWrongPlainly() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "-conf", "nowhere.json")) {
      jar.awaitLine("config error: nowhere\\.json: not found \\(relative paths start in the working directory, "
          + java.util.regex.Pattern.quote(work.toRealPath().toString()), Duration.ofSeconds(60));
      assertEquals(2, jar.awaitExit(Duration.ofSeconds(30)));
    }
    Path conf = work.resolve("broken.json");
    Files.writeString(conf, "{\n  \"gates\": [ { name: 1 } ]\n}");
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "-conf", conf.toString())) {
      jar.awaitLine("config error: .*broken\\.json: cannot read the config file: not valid JSON at line 2, column \\d+",
          Duration.ofSeconds(60));
      assertEquals(2, jar.awaitExit(Duration.ofSeconds(30)));
      assertTrue(!jar.output().contains("Source:"), "no parser internals: " + jar.output());
    }
  }

  @Test
  void printConfigShowsTheEffectiveConfigAfterOverrides() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    Files.createDirectories(work.resolve("conf"));
    Files.copy(Path.of("conf", "asockio.json"), work.resolve("conf/asockio.json"));
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "25999", "ASOCKIO_SERVICE_HOST", "10.1.2.3"),
        "--print-config")) {
      assertEquals(0, jar.awaitExit(Duration.ofSeconds(60)), jar.output());
      String out = jar.output();
      assertTrue(out.contains("\"port\" : 25999"), out);
      assertTrue(out.contains("ignoring environment variable ASOCKIO_SERVICE_HOST"), out);
    }
  }

  @Test
  void helpListsEveryOption() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "--help")) {
      assertEquals(0, jar.awaitExit(Duration.ofSeconds(60)));
      for (String option : java.util.List.of("-conf", "-options", "--print-config", "client --help")) {
        assertTrue(jar.output().contains(option), option + " in " + jar.output());
      }
    }
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "client", "--help")) {
      assertEquals(0, jar.awaitExit(Duration.ofSeconds(60)));
      for (String option : java.util.List.of("--connect", "--name", "--raw", "--linger-ms", "--tls", "--trust", "--cert",
          "--key", "--p12", "--p12-password", "--no-hostname-check")) {
        assertTrue(jar.output().contains(option), option + " in " + jar.output());
      }
    }
  }

  @Test
  void vertxOptionsArePassedAsVertxsOwnLauncherTakesThem() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "qs");
    Files.createDirectories(work.resolve("conf"));
    Files.copy(Path.of("conf", "asockio.json"), work.resolve("conf/asockio.json"));
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "0", "ASOCKIO_GATES_UDP_PORT", "0"), "-options",
        "{\"preferNativeTransport\": false, \"eventLoopPoolSize\": 3}")) {
      jar.awaitLine("asockio: ready \\(nio\\)", Duration.ofSeconds(60));
    }
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of(), "-options", "{\"eventLoopPoolSize\": }")) {
      jar.awaitLine("asockio: -options: not valid Vert.x options", Duration.ofSeconds(60));
      assertEquals(2, jar.awaitExit(Duration.ofSeconds(30)));
    }
  }
}
