package io.asockio;

import io.asockio.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client written in another language from the protocol document alone talks to the default server. */
class PythonClientIT {

  record Result(int exit, String output) {
  }

  static Result python(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("python3", Path.of("examples/python/echo_client.py").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python client did not finish");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void pythonClientHandshakesAndExchangesMessagesOverTcpAndUnix() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "py");
    Files.createDirectories(work.resolve("conf"));
    Files.copy(Path.of("conf", "asockio.json"), work.resolve("conf/asockio.json"));
    try (ChildJvm jar = ChildJvm.startJar(work, Map.of("ASOCKIO_GATES_TCP_PORT", "0", "ASOCKIO_GATES_UDP_PORT", "0", "ASOCKIO_POLICIES_UNEXPECTED", "refuse"))) {
      Matcher tcp = jar.awaitLine("gate tcp on tcp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60));
      jar.awaitLine("asockio: ready", Duration.ofSeconds(30));
      Result ok = python("127.0.0.1:" + tcp.group(1), "manager", "one", "two", "");
      assertEquals(0, ok.exit(), ok.output());
      assertEquals("one\ntwo\n\n", ok.output());
      Result unix = python(work.resolve("run/asockio.sock").toString(), "manager", "via unix");
      assertEquals(0, unix.exit(), unix.output());
      assertEquals("via unix\n", unix.output());
      Result refused = python("127.0.0.1:" + tcp.group(1), "stranger");
      assertEquals(1, refused.exit(), refused.output());
      assertTrue(refused.output().contains("refused: ERR unknown keyword"), refused.output());
    }
  }
}
