package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.ClientConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inheritance style: callbacks in order, sending, closing, raw switch, attachment. */
class InlineProcessorTest {

  static final String HOST = "127.0.0.1";
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  /** Records its callbacks; "bye" closes after flushing two answers, "raw" switches to raw mode. */
  static final class Recorder extends InlineProcessor {
    final List<String> events;

    Recorder(List<String> events) {
      this.events = events;
    }

    @Override
    protected void onConnected() {
      events.add("connected " + name() + " " + kind() + " " + transport() + " " + gateName()
          + " " + (remoteAddress().startsWith("127.0.0.1") ? "local" : remoteAddress()));
    }

    @Override
    protected void onDataReceived(Buffer data) {
      String text = data.toString(StandardCharsets.UTF_8);
      events.add("data " + text);
      switch (text) {
        case "bye" -> {
          send(Buffer.buffer("a"));
          send(Buffer.buffer("b"));
          closeAfterFlush();
        }
        case "raw" -> switchToRaw();
        case "count" -> sendAll(() -> IntStream.range(0, 10_000).mapToObj(i -> Buffer.buffer("n" + i)).iterator());
        default -> send(data);
      }
    }

    @Override
    protected void onOutputBuffersAreEmpty() {
      if (events.isEmpty() || !events.get(events.size() - 1).equals("empty")) {
        events.add("empty");
      }
    }

    @Override
    protected void onConnectionLost(CloseReason cause) {
      events.add("lost " + cause);
    }
  }

  @Test
  void callbacksComeInOrderAndCloseAfterFlushReallyCloses() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("alice"));
    node.gateProcessor("tcp", () -> new Recorder(events));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "alice")) {
      c.sendFrame("hello");
      assertEquals("hello", c.readText());
      Await.until("output emptied", () -> events.contains("empty"));
      c.sendFrame("bye");
      assertEquals("a", c.readText());
      assertEquals("b", c.readText());
      assertTrue(c.awaitClosed(), "closed after the flush");
    }
    Await.until("connection lost", () -> events.stream().anyMatch(e -> e.startsWith("lost")));
    assertEquals(List.of("connected alice EXPECTED TCP tcp local", "data hello", "empty", "data bye",
        "lost closed after flush"), events);
  }

  /** Sends 32 MiB when it connects, more than the kernel takes at once; echoes what it receives. */
  static final class BigSender extends InlineProcessor {
    final List<Long> queuedWhenEmpty = new CopyOnWriteArrayList<>();

    @Override
    protected void onConnected() {
      send(Buffer.buffer(new byte[32 << 20]));
    }

    @Override
    protected void onDataReceived(Buffer data) {
      send(data);
    }

    @Override
    protected void onOutputBuffersAreEmpty() {
      queuedWhenEmpty.add(connection().queuedOutputBytes());
    }
  }

  /**
   * "Output empty" means the kernel took everything: after a send the socket took at once (known
   * at the flush) and after one it took only in part (known when the rest went), never before.
   */
  @Test
  void outputIsEmptyOnlyOnceTheKernelTookEverything() throws Exception {
    BigSender sender = new BigSender();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", () -> sender);
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "reader")) {
      assertEquals(32 << 20, c.readFrame().length);
      Await.until("output empty after the big send", () -> !sender.queuedWhenEmpty.isEmpty());
      c.sendFrame("small");
      assertEquals("small", c.readText());
      Await.until("output empty after the small answer", () -> sender.queuedWhenEmpty.size() >= 2);
      assertTrue(sender.queuedWhenEmpty.stream().allMatch(queued -> queued == 0),
          "bytes still queued when output was said to be empty: " + sender.queuedWhenEmpty);
    }
  }

  /** Pauses reading at every message it receives; the test resumes it. */
  static final class OneAtATime extends InlineProcessor {
    final List<String> received;
    volatile io.asockio.api.ClientConnection connection;

    OneAtATime(List<String> received) {
      this.received = received;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      pauseReading();
      connection = connection();
      received.add(data.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Resuming delivers the held rest of a read first; a handler that pauses again there must
   * leave the socket paused, or everything the peer sends next piles up unread in memory.
   */
  @Test
  void pausingAgainWhileHeldInputIsDeliveredKeepsTheSocketPaused() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    OneAtATime processor = new OneAtATime(received);
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", () -> processor);
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "slow")) {
      java.io.ByteArrayOutputStream three = new java.io.ByteArrayOutputStream();
      for (String m : List.of("1", "2", "3")) {
        three.write(FrameClient.frame(m));
      }
      c.write(three.toByteArray()); // one write: the last two wait in the decoder
      Await.until("the first message", () -> received.size() == 1);
      io.asockio.api.ClientConnection connection = processor.connection;
      assertTrue(Await.onContext(connection.context(), connection::isReadingPaused));

      connection.resumeReading();
      Await.until("the second message", () -> received.size() == 2);
      assertTrue(Await.onContext(connection.context(), connection::isReadingPaused), "paused again by the handler");
      assertEquals(1L, (long) Await.onContext(connection.context(), connection::heldInputBytes), "message 3 waits, decoded");

      connection.resumeReading();
      Await.until("the third message", () -> received.size() == 3);
      c.sendFrame("4");
      connection.resumeReading();
      Await.until("the fourth message", () -> received.size() == 4);
      assertEquals(List.of("1", "2", "3", "4"), received);
    }
  }

  @Test
  void sendAllPullsALazySourceInOrder() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", () -> new Recorder(events));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "counter")) {
      c.sendFrame("count");
      for (int i = 0; i < 10_000; i++) {
        assertEquals("n" + i, c.readText());
      }
    }
  }

  @Test
  void switchToRawFromAProcessor() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", () -> new Recorder(events));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "tunnel")) {
      // The switch request and raw bytes right behind it, in one write: nothing is lost or misframed.
      byte[] request = FrameClient.frame("raw");
      byte[] rawBytes = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] both = new byte[request.length + rawBytes.length];
      System.arraycopy(request, 0, both, 0, request.length);
      System.arraycopy(rawBytes, 0, both, request.length, rawBytes.length);
      c.write(both);
      assertArrayEquals(rawBytes, c.readExactly(rawBytes.length), "echoed raw, without a header");
    }
  }

  @Test
  void processorsAttachPerClientInConfigAndByApiAndWinOverTheGate() throws Exception {
    List<String> vipEvents = new CopyOnWriteArrayList<>();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()))
        .withClientConfigs(List.of(ClientConfig.named("shouter").withProcessor(Shouter.class.getName()), ClientConfig.named("vip"))));
    node.clientProcessor("vip", () -> new Recorder(vipEvents));
    int port = node.port("tcp");
    try (FrameClient plain = FrameClient.named(HOST, port, "plain");
         FrameClient shouter = FrameClient.named(HOST, port, "shouter");
         FrameClient vip = FrameClient.named(HOST, port, "vip")) {
      plain.sendFrame("hi");
      assertEquals("hi", plain.readText(), "the gate's echo");
      shouter.sendFrame("hi");
      assertEquals("HI", shouter.readText(), "the per-client processor from config");
      vip.sendFrame("hi");
      assertEquals("hi", vip.readText());
      Await.until("vip's recorder ran", () -> vipEvents.contains("data hi"));
    }
  }

  @Test
  void anonymousRawClientsGetTheGatesProcessor() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW)));
    List<String> events = new CopyOnWriteArrayList<>();
    node.gateProcessor("raw", () -> new Recorder(events));
    try (FrameClient c = FrameClient.tcp(HOST, node.port("raw"))) {
      c.write("xyz".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), c.readExactly(3));
    }
    Await.until("lost", () -> events.stream().anyMatch(e -> e.startsWith("lost")));
    assertTrue(events.get(0).startsWith("connected anonymous-") && events.get(0).contains(ClientKind.ANONYMOUS.name()),
        events.get(0));
  }

  /** Answers in upper case. */
  public static class Shouter extends InlineProcessor {
    @Override
    protected void onDataReceived(Buffer data) {
      send(Buffer.buffer(data.toString(StandardCharsets.UTF_8).toUpperCase()));
    }
  }
}
