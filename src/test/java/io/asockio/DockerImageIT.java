package io.asockio;

import io.asockio.testing.ChildJvm;
import io.asockio.testing.FrameClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * There is no Docker engine here: the image is checked by starting the jar exactly as its
 * ENTRYPOINT and CMD do, in a folder laid out as the image's /app (its conf/ and an empty
 * run/), with the image's environment. Only the TCP gate's host and port are overridden (to
 * loopback and a free port) through the documented variables, so that the test listens on
 * nothing else.
 */
class DockerImageIT {

  static final Pattern EXEC_FORM = Pattern.compile("^(ENTRYPOINT|CMD)\\s+(\\[.*])\\s*$");

  @Test
  void theImageStartsOnItsOwnConfigAndStopsCleanlyOnSigterm() throws Exception {
    List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
    List<String> command = new ArrayList<>();
    for (String instruction : List.of("ENTRYPOINT", "CMD")) {
      String line = dockerfile.stream().map(String::trim).filter(l -> l.startsWith(instruction + " ")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no " + instruction + " in the Dockerfile"));
      Matcher m = EXEC_FORM.matcher(line);
      assertTrue(m.matches(), instruction + " in exec form: " + line);
      new JsonArray(m.group(2)).forEach(part -> command.add((String) part));
    }
    assertTrue(dockerfile.stream().noneMatch(l -> l.trim().startsWith("ENV ASOCKIO_")),
        "the image's config is a file of its own, not variables that assume a gate's name");
    assertTrue(dockerfile.stream().anyMatch(l -> l.trim().startsWith("HEALTHCHECK")), "the image has a health check");
    String conf = command.get(command.indexOf("-conf") + 1);
    JsonObject config = new JsonObject(Files.readString(Path.of(conf)));
    assertEquals("0.0.0.0", config.getJsonArray("gates").getJsonObject(0).getString("host"),
        "inside a container the gate listens on every interface");

    Path app = Files.createTempDirectory(Path.of("/tmp"), "app");
    copyTree(Path.of("conf"), app.resolve("conf"));
    Files.createDirectories(app.resolve("run"));
    List<String> healthCheck = healthCheck(dockerfile);
    assertEquals("127.0.0.1", config.getJsonObject("admin").getString("host"), "the health endpoint stays inside the container");
    String imageAdminPort = String.valueOf(config.getJsonObject("admin").getInteger("port"));
    try (ChildJvm image = ChildJvm.startAsImage(app, Map.of("ASOCKIO_GATES_TCP_HOST", "127.0.0.1", "ASOCKIO_GATES_TCP_PORT", "0", "ASOCKIO_GATES_UDP_HOST", "127.0.0.1", "ASOCKIO_GATES_UDP_PORT", "0",
        "ASOCKIO_ADMIN_PORT", "0"), command, "/app/asockio.jar")) {
      Matcher admin = image.awaitLine("admin API on http://127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60));
      Matcher tcp = image.awaitLine("gate tcp on tcp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30));
      image.awaitLine("asockio: ready", Duration.ofSeconds(30));
      // The image's HEALTHCHECK, word for word, pointed at the port the admin API got here.
      List<String> check = healthCheck.stream().map(part -> part.replace(imageAdminPort, admin.group(1))).toList();
      assertEquals(0, run(check), "the health check passes on a running node: " + check);
      try (FrameClient client = FrameClient.named("127.0.0.1", Integer.parseInt(tcp.group(1)), "manager")) {
        client.sendFrame("hello from the image");
        assertEquals("hello from the image", client.readText());
      }
      image.terminate(); // what docker stop sends
      assertEquals(0, image.awaitExit(Duration.ofSeconds(30)), image.output());
      assertTrue(image.output().contains("stopping: SIGTERM"), image.output());
      assertTrue(run(check) != 0, "the health check fails once the node is gone");
    }
  }

  // The exec form of the HEALTHCHECK's CMD (it may continue on the next line).
  private static List<String> healthCheck(List<String> dockerfile) {
    String joined = String.join("\n", dockerfile).replace("\\\n", " ");
    Matcher m = Pattern.compile("(?m)^HEALTHCHECK\\b.*?\\bCMD\\s+(\\[.*])\\s*$").matcher(joined);
    assertTrue(m.find(), "the HEALTHCHECK's CMD in exec form");
    List<String> command = new ArrayList<>();
    new JsonArray(m.group(1)).forEach(part -> command.add((String) part));
    return command;
  }

  private static int run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
