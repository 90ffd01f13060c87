package io.asockio.client;

import io.asockio.api.LinkException;
import io.asockio.api.Link;
import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.Policies;
import io.asockio.demo.EchoProcessor;
import io.asockio.api.SendException;
import io.asockio.api.ClientKind;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client role: dial, keyword, OK, then a client like any other; refusals; reconnects. */
class ClientLinkTest {

  static final String HOST = "127.0.0.1";
  NodeFixture server;
  NodeFixture client;

  @BeforeEach
  void setUp() throws Exception {
    server = new NodeFixture();
    client = new NodeFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  static final LinkConfig.Reconnect FAST = new LinkConfig.Reconnect(true, 20, 200, 2.0, 0.2);

  Asockio startEchoServer(int port, Policies policies) {
    return server.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, port).withProcessor(EchoProcessor.class.getName()))
        .withClients("edge-1").withPolicies(policies));
  }

  static LinkException linkFailure(Throwable t) {
    Throwable cause = t instanceof CompletionException ? t.getCause() : t;
    assertTrue(cause instanceof LinkException, String.valueOf(cause));
    return (LinkException) cause;
  }

  @Test
  void linkHandshakesAndBehavesLikeAnyClient() throws Exception {
    Asockio up = startEchoServer(0, Policies.DEFAULTS);
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)),
        (connection, data) -> received.add(connection.name() + ":" + data));
    Link link = node.link(LinkConfig.tcp("upstream", HOST, up.port("tcp")).withKeyword("edge-1"));
    link.firstOutcome().await();
    assertEquals(Link.Status.OPEN, link.status());
    assertEquals(ClientKind.OUTGOING, node.client("upstream").kind());
    assertTrue(up.client("edge-1").connected(), "the server knows us by our keyword");

    node.send("upstream", Buffer.buffer("ping")).await();
    Await.until("echo came back through the link", () -> received.contains("upstream:ping"));
    up.send("edge-1", Buffer.buffer("pushed by the server")).await();
    Await.until("server push arrived", () -> received.contains("upstream:pushed by the server"));
  }

  @Test
  void refusalsAreReportedWithTheirReason() throws Exception {
    Asockio up = startEchoServer(0, new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE));
    Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)));
    Link link = node.link(LinkConfig.tcp("upstream", HOST, up.port("tcp")).withKeyword("nobody-knows-me")
        .withReconnect(LinkConfig.Reconnect.OFF));
    LinkException e = linkFailure(assertThrows(Throwable.class, () -> link.firstOutcome().await()));
    assertEquals(LinkException.Kind.REFUSED, e.kind());
    assertTrue(e.getMessage().endsWith("unknown keyword"), e.getMessage());
    Await.until("link closed for good", () -> link.status() == Link.Status.CLOSED);
  }

  @Test
  void unreachableServerIsReported() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      port = probe.getLocalPort();
    }
    Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)));
    Link link = node.link(LinkConfig.tcp("nowhere", HOST, port).withReconnect(LinkConfig.Reconnect.OFF));
    LinkException e = linkFailure(assertThrows(Throwable.class, () -> link.firstOutcome().await()));
    assertEquals(LinkException.Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().contains("cannot connect to tcp 127.0.0.1:" + port), e.getMessage());
    Throwable notConnected = assertThrows(Throwable.class, () -> node.send("nowhere", Buffer.buffer("x")).await());
    assertTrue(notConnected instanceof SendException || notConnected.getCause() instanceof SendException);
  }

  @Test
  void reconnectsAfterTheServerRestartsAndDeliversWhatWasQueuedMeanwhile() throws Exception {
    Asockio up = startEchoServer(0, Policies.DEFAULTS);
    int port = up.port("tcp");
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)),
        (connection, data) -> received.add(data.toString()));
    Link link = node.link(LinkConfig.tcp("upstream", HOST, port).withKeyword("edge-1").withReconnect(FAST)
        .withOfflineQueueMessages(3));
    link.firstOutcome().await();

    up.stop().await();
    Await.until("link noticed the loss", () -> link.status() != Link.Status.OPEN);
    node.send("upstream", Buffer.buffer("q1")).await();
    node.send("upstream", Buffer.buffer("q2")).await();
    node.send("upstream", Buffer.buffer("q3")).await();
    Throwable full = assertThrows(Throwable.class, () -> node.send("upstream", Buffer.buffer("q4")).await());
    Throwable cause = full instanceof CompletionException ? full.getCause() : full;
    assertEquals(SendException.Reason.OUTPUT_FULL, ((SendException) cause).reason(), "the queue bound holds");

    server.close();
    server = new NodeFixture();
    startEchoServer(port, Policies.DEFAULTS);
    link.whenOpen().await();
    Await.until("queued messages delivered in order and echoed", () -> List.copyOf(received).equals(List.of("q1", "q2", "q3")));
  }

  @Test
  void backoffGrowsExponentiallyWithJitterAndIsCapped() {
    LinkConfig.Reconnect r = new LinkConfig.Reconnect(true, 100, 1000, 2.0, 0.2);
    assertEquals(100, r.delayMs(0, 0.5));
    assertEquals(200, r.delayMs(1, 0.5));
    assertEquals(800, r.delayMs(3, 0.5));
    assertEquals(1000, r.delayMs(10, 0.5), "capped");
    assertEquals(80, r.delayMs(0, 0.0), "jitter -20%");
    assertTrue(r.delayMs(0, 0.999) <= 120, "jitter +20%");
    assertEquals(1000, r.delayMs(1_000, 0.5), "no overflow on long outages");
  }

  @Test
  void rawLinkCarriesBytesAsTheyAre() throws Exception {
    Asockio up = server.start(AsockioConfig.of(GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW)
        .withProcessor(EchoProcessor.class.getName())));
    StringBuffer received = new StringBuffer();
    Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)),
        (connection, data) -> received.append(data.toString(StandardCharsets.US_ASCII)));
    Link link = node.link(LinkConfig.tcp("http", HOST, up.port("raw")).withMode(GateConfig.Mode.RAW));
    link.firstOutcome().await();
    node.send("http", Buffer.buffer("GET / HTTP/1.1\r\n\r\n")).await();
    Await.until("raw echo", () -> received.toString().equals("GET / HTTP/1.1\r\n\r\n"));
  }

  /**
   * A server that behaves like the original FI-ASockIOCore: it answers OK to any keyword at
   * once, then echoes frames. Written with plain sockets from the wire format only.
   */
  @Test
  void interoperatesWithAServerSpeakingTheOriginalWireFormat() throws Exception {
    try (ServerSocket original = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      Thread serverThread = new Thread(() -> {
        try (Socket s = original.accept()) {
          s.setSoTimeout(FrameClient.READ_TIMEOUT_MS);
          DataInputStream in = new DataInputStream(s.getInputStream());
          OutputStream out = s.getOutputStream();
          readFrame(in); // keyword, not checked: the original replied OK first
          out.write(FrameClient.frame("OK"));
          for (int i = 0; i < 3; i++) {
            out.write(FrameClient.frame(readFrame(in)));
          }
        } catch (IOException ignored) {
          // the assertions below tell
        }
      }, "original-server");
      serverThread.start();
      ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
      Asockio node = client.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)),
          (connection, data) -> received.add(data.toString()));
      node.link(LinkConfig.tcp("original", HOST, original.getLocalPort()).withReconnect(LinkConfig.Reconnect.OFF))
          .firstOutcome().await();
      node.send("original", Buffer.buffer("a")).await();
      node.send("original", Buffer.buffer("")).await();
      node.send("original", Buffer.buffer("c")).await();
      Await.until("three echoes", () -> received.size() == 3);
      assertEquals(List.of("a", "", "c"), List.copyOf(received));
      serverThread.join(10_000);
    }
  }

  static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[8];
    in.readFully(header);
    byte[] payload = new byte[(int) ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong()];
    in.readFully(payload);
    return payload;
  }
}
