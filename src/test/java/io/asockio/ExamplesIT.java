package io.asockio;

import io.asockio.testing.ChildJvm;
import io.asockio.testing.FrameClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every example runs with its documented one-line command and does what it says. */
class ExamplesIT {

  static final Duration START = Duration.ofSeconds(90); // the source launcher compiles first

  @ParameterizedTest
  @ValueSource(strings = {"inline", "plain"})
  void echoServerInBothStyles(String style) throws Exception {
    try (ChildJvm example = ChildJvm.startExample("EchoServer.java", style, "0")) {
      int port = Integer.parseInt(example.awaitLine("echo \\(" + style + "\\) listening on 127\\.0\\.0\\.1:(\\d+)", START).group(1));
      try (FrameClient c = FrameClient.named("127.0.0.1", port, "alice")) {
        for (int i = 0; i < 100; i++) {
          c.sendFrame("message " + i);
        }
        for (int i = 0; i < 100; i++) {
          assertEquals("message " + i, c.readText());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inline", "plain", "inline quiet"})
  void httpServerInBothStylesWithKeepAliveAndPipelining(String variant) throws Exception {
    String style = variant.split(" ")[0];
    String[] args = variant.endsWith("quiet") ? new String[] {style, "0", "1", "quiet"} : new String[] {style, "0"};
    try (ChildJvm example = ChildJvm.startExample("HttpServer.java", args)) {
      int port = Integer.parseInt(example.awaitLine("http \\(" + style + "\\) listening on 127\\.0\\.0\\.1:(\\d+)", START).group(1));
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        // Keep-alive: two requests one after the other on the same connection.
        s.getOutputStream().write("GET /5 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(response(5), read(s.getInputStream(), response(5).length()));
        // Pipelining: three requests in one write, the last split across two writes.
        s.getOutputStream().write("GET /0 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\nGET /1".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.getOutputStream().write("00000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String expected = response(0) + response(3) + response(100000);
        assertEquals(expected, read(s.getInputStream(), expected.length()));
        // Connection: close is honoured.
        s.getOutputStream().write("GET /2 HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(response(2), read(s.getInputStream(), response(2).length()));
        assertEquals(-1, s.getInputStream().read(), "closed after the answer");
      }
      // HTTP/1.0 closes after the answer unless it asks for keep-alive; header names in any case.
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /1 HTTP/1.0\r\nCONNECTION: Keep-Alive\r\n\r\nGET /4 HTTP/1.0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String expected = response(1) + response(4);
        assertEquals(expected, read(s.getInputStream(), expected.length()));
        assertEquals(-1, s.getInputStream().read(), "closed after the HTTP/1.0 answer");
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("POST /x HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request"), answer);
      }
    }
  }

  static String response(int n) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + n + "\r\n\r\n" + "X".repeat(n);
  }

  static String read(InputStream in, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    while (out.size() < n) {
      int r = in.read(buf, 0, Math.min(buf.length, n - out.size()));
      if (r < 0) {
        break;
      }
      out.write(buf, 0, r);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void managerFansCommandsOutToWorkersAndGetsEveryResult() throws Exception {
    try (ChildJvm example = ChildJvm.startExample("ManagerWorkers.java")) {
      example.awaitLine("manager got: done \\d+ 6 \\(by worker-\\d\\)", START);
      example.awaitLine("all 5 commands done", Duration.ofSeconds(30));
      assertEquals(0, example.awaitExit(Duration.ofSeconds(30)), example.output());
      String output = example.output();
      assertTrue(output.contains("HELLO") && output.contains("ASOCKIO") && output.contains(" 42 "), output);
      assertTrue(output.contains("worker-1") && output.contains("worker-2"), "work was fanned out to both: " + output);
    }
  }

  @Test
  void workersRunAsChildProcessesAndStopWithTheNode() throws Exception {
    try (ChildJvm example = ChildJvm.startExample("ProcessWorkers.java")) {
      example.awaitLine("all 5 commands done", START);
      example.awaitLine("workers stopped", Duration.ofSeconds(30));
      assertEquals(0, example.awaitExit(Duration.ofSeconds(30)), example.output());
      String output = example.output();
      assertTrue(output.contains("result 3 42 (by worker-1)") && output.contains("result 2 HELLO (by worker-2)"), output);
      assertTrue(output.contains("link worker-1 stderr: worker worker-1 ready"), "the child's stderr is logged: " + output);
    }
  }
}
