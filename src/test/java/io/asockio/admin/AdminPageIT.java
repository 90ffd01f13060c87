package io.asockio.admin;

import io.asockio.api.Asockio;
import io.asockio.config.AdminConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live page in a real browser (headless Chromium): a node with the admin API and a few
 * named clients exchanging messages; the page must list the clients and draw a messages/s
 * line that moved. A screenshot goes to {@code target/admin-page.png}.
 *
 * <p>Chromium is found on the PATH ({@code chromium}, {@code chromium-browser},
 * {@code google-chrome}) or at {@code -Dasockio.chromium=PATH}. {@code .ci/run} installs it and
 * sets {@code ASOCKIO_BROWSER_REQUIRED=1}, so that in CI a missing browser fails this test;
 * elsewhere it is reported as not run, with the reason.
 */
class AdminPageIT {

  static final String HOST = "127.0.0.1";
  static final List<String> CLIENTS = List.of("sensor-a", "sensor-b", "worker-1");

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  @Test
  void thePageListsTheClientsAndChartsTheirTraffic() throws Exception {
    Path chromium = chromium();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()))
        .withAdmin(AdminConfig.on(HOST, 0)));
    String url = "http://" + HOST + ":" + node.adminPort() + "/";
    List<FrameClient> clients = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong echoes = new AtomicLong();
    List<Thread> traffic = new ArrayList<>();
    try {
      for (String name : CLIENTS) {
        clients.add(FrameClient.named(HOST, node.port("tcp"), name));
      }
      Await.until("the clients are connected", () -> node.clients().size() == CLIENTS.size());
      // Echo traffic while the browser samples: bounded by a count and stopped by the test.
      for (FrameClient client : clients) {
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; i < 2_000_000 && !stop.get(); i++) {
              client.sendFrame("tick " + i);
              client.readFrame();
              echoes.incrementAndGet();
            }
          } catch (IOException e) {
            // closed at the end of the test
          }
        }, "page-traffic");
        t.start();
        traffic.add(t);
      }
      Await.until("traffic flows", () -> echoes.get() > 100);

      String dom = browse(chromium, List.of("--dump-dom"), url).output;
      Matcher samples = Pattern.compile("data-samples=\"(\\d+)\"").matcher(dom);
      assertTrue(samples.find() && Integer.parseInt(samples.group(1)) >= 3, "the page took several samples: " + excerpt(dom));
      for (String name : CLIENTS) {
        assertTrue(dom.contains("<td>" + name + "</td>"), name + " is listed: " + excerpt(dom));
      }
      assertTrue(dom.contains("(3 matching)"), "the total is shown: " + excerpt(dom));
      assertTrue(dom.contains("<td>127.0.0.1:"), "the gate's bound address is shown: " + excerpt(dom));
      // The messages/s chart of gate tcp: a line of several points whose maximum is a real rate.
      String messages = section(dom, "id=\"chart-messages\"", "id=\"legend-messages\"");
      Matcher line = Pattern.compile("data-points=\"(\\d+)\"").matcher(messages);
      assertTrue(line.find() && Integer.parseInt(line.group(1)) >= 2, "a messages/s line: " + messages);
      Matcher legend = Pattern.compile("tcp \\(([\\d,]+), max ([\\d,]+)\\)").matcher(section(dom, "id=\"legend-messages\"", "</section>"));
      assertTrue(legend.find(), "the messages/s legend: " + excerpt(dom));
      assertTrue(Long.parseLong(legend.group(2).replace(",", "")) > 1, "the line moved: " + legend.group());

      Path shot = Path.of("target", "admin-page.png").toAbsolutePath();
      Files.deleteIfExists(shot);
      browse(chromium, List.of("--screenshot=" + shot, "--window-size=1280,1100", "--hide-scrollbars"), url);
      assertTrue(Files.size(shot) > 10_000, "a screenshot of the page at " + shot);
    } finally {
      stop.set(true);
      for (Thread t : traffic) {
        t.join(10_000);
      }
      for (FrameClient client : clients) {
        client.close();
      }
    }
  }

  record Browsed(int exit, String output) {
  }

  // One headless run; virtual time lets the page's 2 s polling tick several times without waiting for it.
  static Browsed browse(Path chromium, List<String> action, String url) throws Exception {
    Path profile = Files.createTempDirectory("asockio-chromium");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=9000"));
    command.addAll(action);
    command.add(url);
    Path out = Files.createTempFile("asockio-chromium", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        fail("Chromium did not finish within 90 s: " + command);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "Chromium's exit status for " + command + ": " + excerpt(output));
      return new Browsed(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
      deleteTree(profile);
    }
  }

  static Path chromium() {
    String configured = System.getProperty("asockio.chromium");
    Optional<Path> found = configured != null ? Optional.of(Path.of(configured))
        : Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
            .filter(Files::isExecutable)
            .findFirst();
    String required = System.getenv("ASOCKIO_BROWSER_REQUIRED");
    if (found.isEmpty() && "1".equals(required)) {
      fail("no Chromium found (ASOCKIO_BROWSER_REQUIRED=1): install Debian's 'chromium' package, as .ci/run does");
    }
    Assumptions.assumeTrue(found.isPresent(), "no Chromium on this machine: install Debian's 'chromium' to test the live page");
    return found.get();
  }

  static String section(String dom, String from, String to) {
    int start = dom.indexOf(from);
    int end = start < 0 ? -1 : dom.indexOf(to, start);
    return start < 0 || end < 0 ? "" : dom.substring(start, end);
  }

  static String excerpt(String text) {
    return text.length() <= 4000 ? text : text.substring(0, 4000) + "…";
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
