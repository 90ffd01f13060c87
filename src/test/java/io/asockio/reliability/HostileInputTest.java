package io.asockio.reliability;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.SendException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.GateLimits;
import io.asockio.config.Limits;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.WholeEchoProcessor;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that misbehave on purpose over real sockets: trickled partial messages, mass resets,
 * half-closes, readers that never read. The node holds about what it received, gives every
 * resource back, and goes on serving. (Handshake and frame fuzzing: the property tests;
 * floods past the connection and handshake limits: {@code AbuseTest}.)
 */
class HostileInputTest {

  static final String HOST = "127.0.0.1";

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  /** Remembers each open connection by name. */
  static final class Connections implements ConnectionHandler {
    final Map<String, ClientConnection> byName = new ConcurrentHashMap<>();

    @Override
    public void onConnected(ClientConnection connection) {
      byName.put(connection.name(), connection);
    }

    @Override
    public void onDataReceived(ClientConnection connection, Buffer data) {
      connection.send(data);
    }
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static long openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void trickledPartialMessagesHoldAboutTheBytesReceived() throws Exception {
    Connections handler = new Connections();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)), handler);
    record Trickle(int piece, int bytes) {
    }
    for (Trickle t : List.of(new Trickle(1, 48 * 1024), new Trickle(10, 256 * 1024), new Trickle(100, 1024 * 1024))) {
      String name = "trickle-" + t.piece();
      try (FrameClient client = FrameClient.named(HOST, node.port("tcp"), name)) {
        client.write(FrameClient.header(4L * 1024 * 1024)); // announced: 4 MiB; sent: less, never completed
        byte[] piece = new byte[t.piece()];
        for (int sent = 0; sent < t.bytes(); sent += t.piece()) {
          client.write(piece);
        }
        ClientConnection connection = Await.value(name + " connected", () -> handler.byName.get(name));
        long received = t.bytes() + 8;
        Await.until("all " + received + " bytes read", () -> Await.onContext(connection.context(),
            () -> connection.heldInputBytes() >= t.bytes()));
        long held = Await.onContext(connection.context(), connection::heldInputBytes);
        System.out.printf("trickle: %d-byte pieces, %d bytes received, %d held (%.2fx)%n", t.piece(), received, held,
            (double) held / received);
        assertTrue(held <= 1.25 * received + 128 * 1024,
            t.piece() + "-byte pieces: " + held + " bytes held for " + received + " received");
      }
    }
  }

  @Test
  void fiveHundredPeersResetMidMessageAtOnceAndEverythingComesBack() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)
            .withProcessor(WholeEchoProcessor.class.getName())
            .withLimits(GateLimits.DEFAULTS.withMaxPendingHandshakes(1000).withMaxPendingHandshakesPerAddress(0)
                .withMaxConnectionsPerAddress(0).withAcceptRatePerSecond(0)))
        .withLimits(Limits.DEFAULTS.withMaxHeldInputBytes(4 * 1024 * 1024)));
    int port = node.port("tcp");
    long descriptorsBefore = openDescriptors();
    List<FrameClient> peers = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        FrameClient peer = FrameClient.named(HOST, port, "peer" + i);
        peers.add(peer);
        peer.write(FrameClient.header(100_000)); // 500 x 100 KB would be 50 MB: most wait for the 4 MiB budget
        peer.write(new byte[1000]);
      }
      Await.until("all 500 connected", () -> node.clients().size() == 500);
      Await.until("the budget is full", () -> node.counters().getOrDefault("input.waited for memory", 0L) > 0);
    } finally {
      for (FrameClient peer : peers) {
        peer.resetOnClose();
        peer.close();
      }
    }
    Await.until("every peer is gone", () -> node.clients().isEmpty());
    Await.until("every descriptor is given back", () -> {
      try {
        return openDescriptors() <= descriptorsBefore;
      } catch (IOException e) {
        return false;
      }
    });
    // Every claim went back with its connection: a message filling most of the budget goes through at once.
    long waitsBefore = node.counters().getOrDefault("input.waited for memory", 0L);
    byte[] big = random(3 * 1024 * 1024, 5);
    try (FrameClient next = FrameClient.named(HOST, port, "next")) {
      next.write(FrameClient.header(big.length));
      next.write(Arrays.copyOf(big, 1000));
      next.write(Arrays.copyOfRange(big, 1000, big.length));
      assertArrayEquals(big, next.readFrame());
    }
    assertEquals(waitsBefore, node.counters().getOrDefault("input.waited for memory", 0L));
  }

  @Test
  void aPeerThatHalfClosesStillGetsEveryAnswerThenTheConnectionCloses() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("framed", HOST, 0).withProcessor(EchoProcessor.class.getName()),
        GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW).withProcessor(EchoProcessor.class.getName())));
    byte[] big = random(3 * 1024 * 1024, 9); // streamed back while the peer has stopped sending
    try (Socket socket = new Socket(HOST, node.port("framed"))) {
      socket.setSoTimeout(FrameClient.READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(FrameClient.frame("half"));
      out.write(FrameClient.frame("one"));
      out.write(FrameClient.frame(big));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] all = in.readAllBytes(); // up to the server's close
      byte[] expected = concat(FrameClient.frame("OK"), FrameClient.frame("one"), FrameClient.frame(big));
      // Once seen short on a CI machine (not reproduced here in 100 runs under load): say where and why.
      assertEquals(expected.length, all.length, () -> "received " + all.length + " of " + expected.length
          + " bytes, first difference at " + Arrays.mismatch(expected, all) + "; node counters: " + node.counters());
      assertArrayEquals(expected, all);
    }
    try (Socket socket = new Socket(HOST, node.port("raw"))) {
      socket.setSoTimeout(FrameClient.READ_TIMEOUT_MS);
      socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      assertEquals("GET / HTTP/1.0\r\n\r\n", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }
    // Half-closed during the handshake: nothing to answer, the connection closes at once.
    try (Socket socket = new Socket(HOST, node.port("framed"))) {
      socket.setSoTimeout(FrameClient.READ_TIMEOUT_MS);
      socket.getOutputStream().write(Arrays.copyOf(FrameClient.frame("never-finished"), 10));
      socket.shutdownOutput();
      assertEquals(0, socket.getInputStream().readAllBytes().length);
    }
    // The registry lets a client go before its close is counted: wait for the count itself.
    Await.until("two closes by the peer counted", () -> node.counters().getOrDefault("closed.closed by peer", 0L) >= 2);
    Await.until("all three closed", () -> node.clients().isEmpty());
    assertEquals(2L, node.counters().getOrDefault("closed.closed by peer", 0L));
  }

  @Test
  void aPeerThatHalfClosesWhileAGracefulCloseDrainsStillGetsEveryByte() throws Exception {
    Connections handler = new Connections();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)), handler);
    byte[] part = random(1024 * 1024, 11);
    int parts = 12; // more than the kernel's buffers hold while the peer does not read
    try (FrameClient client = FrameClient.named(HOST, node.port("tcp"), "drained")) {
      ClientConnection connection = Await.value("connected", () -> handler.byName.get("drained"));
      for (int i = 0; i < parts; i++) {
        connection.send(Buffer.buffer(part));
      }
      connection.close(); // graceful: the queued output still goes out
      Await.until("the close began", () -> !connection.isOpen());
      Await.until("output is still queued", () -> connection.queuedOutputBytes() > 0);
      client.shutdownOutput(); // the peer's end arrives while ours is still draining
      for (int i = 0; i < parts; i++) {
        assertArrayEquals(part, client.readFrame(), "message " + i);
      }
      assertTrue(client.awaitClosed());
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void aReaderThatNeverReadsIsRefusedMoreOutputNotBufferedWithoutEnd() throws Exception {
    long cap = 1024 * 1024;
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0))
        .withLimits(Limits.DEFAULTS.withMaxQueuedOutputBytes(cap)), new Connections());
    try (FrameClient sleepy = FrameClient.named(HOST, node.port("tcp"), "sleepy")) {
      byte[] chunk = random(64 * 1024, 1);
      List<byte[]> accepted = new ArrayList<>();
      int refused = 0;
      // The kernel buffers take some; then the queue fills to the cap and sends are refused.
      for (int i = 0; i < 2000 && refused < 10; i++) {
        byte[] message = Arrays.copyOf(chunk, chunk.length);
        message[0] = (byte) i;
        message[1] = (byte) (i >> 8);
        Future<Void> send = node.send("sleepy", Buffer.buffer(message));
        Await.until("send " + i + " decided", send::isComplete);
        if (send.succeeded()) {
          accepted.add(message);
        } else {
          assertTrue(send.cause() instanceof SendException, String.valueOf(send.cause()));
          assertEquals(SendException.Reason.OUTPUT_FULL, ((SendException) send.cause()).reason());
          refused++;
        }
      }
      assertEquals(10, refused, "sends beyond the cap are refused");
      assertTrue(node.client("sleepy").connected(), "the slow reader stays connected");
      // It wakes up: everything that was accepted arrives, in order, byte for byte.
      for (byte[] expected : accepted) {
        assertArrayEquals(expected, sleepy.readFrame());
      }
      node.send("sleepy", Buffer.buffer("after")).await();
      assertEquals("after", sleepy.readText());
    }
  }
}
