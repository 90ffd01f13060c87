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
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "0"))) {
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
      jar.process().destroy(); // SIGTERM: a graceful stop
      assertEquals(143, jar.awaitExit(Duration.ofSeconds(30)), jar.output()); // 128 + SIGTERM, after the shutdown hook
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
}
