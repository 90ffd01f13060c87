package io.asockio;

import io.asockio.testing.ChildJvm;
import io.asockio.testing.FrameClient;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that embeds asockio without clustering does not carry Hazelcast (the
 * dependency is optional): a node runs on a class path without it, and a config that asks
 * for clustering says what is missing.
 */
class WithoutHazelcastIT {

  static List<String> classPathWithoutHazelcast() {
    List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.toLowerCase().contains("hazelcast") && !e.endsWith("asockio.jar")).toList();
    assertTrue(entries.stream().anyMatch(e -> e.endsWith("classes")), "the project's classes are on the path: " + entries);
    return entries;
  }

  @Test
  void aNodeRunsWithoutHazelcastAndClusteringSaysWhatIsMissing() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "nohz");
    Path plain = work.resolve("plain.json");
    Files.writeString(plain, "{\"gates\": [{\"name\": \"tcp\", \"port\": 0, \"processor\": \"io.asockio.demo.EchoProcessor\"}]}");
    try (ChildJvm node = ChildJvm.startMain(work, classPathWithoutHazelcast(), "io.asockio.Main", "-conf", plain.toString())) {
      Matcher tcp = node.awaitLine("gate tcp on tcp 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60));
      try (FrameClient client = FrameClient.named("127.0.0.1", Integer.parseInt(tcp.group(1)), "alice")) {
        client.sendFrame("no hazelcast needed");
        assertEquals("no hazelcast needed", client.readText());
      }
    }
    Path clustered = work.resolve("clustered.json");
    Files.writeString(clustered, "{\"gates\": [{\"name\": \"tcp\", \"port\": 0}], \"cluster\": {\"enabled\": true}}");
    try (ChildJvm node = ChildJvm.startMain(work, classPathWithoutHazelcast(), "io.asockio.Main", "-conf", clustered.toString())) {
      node.awaitLine("config error: cluster\\.enabled: clustering needs io\\.vertx:vertx-hazelcast", Duration.ofSeconds(60));
      assertEquals(2, node.awaitExit(Duration.ofSeconds(30)));
    }
  }
}
