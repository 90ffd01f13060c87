package io.asockio.gate;

import io.asockio.api.SendException;
import io.asockio.api.Asockio;
import io.asockio.api.ClientInfo;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.asockio.demo.EchoProcessor;
import io.asockio.api.ClientKind;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.ThrowingProcessor;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named clients: ids, takeover, unexpected names, sending, limits, churn. */
class ClientsTest {

  static final String HOST = "127.0.0.1";
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static GateConfig echoGate() {
    return GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName());
  }

  @Test
  void reconnectKeepsTheIdOfADeclaredName() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate()).withClients("alice"));
    long declaredId = node.client("alice").id();
    int port = node.port("tcp");
    try (FrameClient c = FrameClient.named(HOST, port, "alice")) {
      Await.until("alice connected", () -> node.client("alice").connected());
      assertEquals(declaredId, node.client("alice").id());
    }
    Await.until("alice disconnected", () -> !node.client("alice").connected());
    try (FrameClient c = FrameClient.named(HOST, port, "alice")) {
      Await.until("alice reconnected", () -> node.client("alice").connected());
      assertEquals(declaredId, node.client("alice").id());
    }
  }

  @Test
  void clientDeclaredAtRunTimeAfterItConnectedBecomesExpected() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate()));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "late")) {
      long id = node.client("late").id();
      assertEquals(ClientKind.UNEXPECTED, node.client("late").kind());
      ClientInfo declared = node.addClient("late");
      assertEquals(id, declared.id());
      assertEquals(ClientKind.EXPECTED, node.client("late").kind());
    }
    Await.until("late disconnected", () -> !node.client("late").connected());
    assertEquals(ClientKind.EXPECTED, node.client("late").kind(), "a declared record outlives its connection");
  }

  @Test
  void takeoverReplaceClosesTheOldConnectionAndKeepsTheId() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate()).withClients("bob"));
    int port = node.port("tcp");
    long id = node.client("bob").id();
    try (FrameClient first = FrameClient.named(HOST, port, "bob");
         FrameClient second = FrameClient.named(HOST, port, "bob")) {
      assertTrue(first.awaitClosed(), "the old connection is closed");
      second.sendFrame("new one");
      assertEquals("new one", second.readText());
      assertEquals(id, node.client("bob").id());
      assertTrue(node.client("bob").connected(), "closing the old one does not unbind the new one");
    }
    assertEquals(1L, node.counters().get("takeover"));
  }

  @Test
  void takeoverRefuseKeepsTheFirstConnection() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate()).withClients("bob")
        .withPolicies(new Policies(Policies.Unexpected.ACCEPT, Policies.Takeover.REFUSE)));
    int port = node.port("tcp");
    try (FrameClient first = FrameClient.named(HOST, port, "bob"); FrameClient second = FrameClient.tcp(HOST, port)) {
      second.sendFrame("bob");
      assertEquals("ERR name already connected", second.readText());
      assertTrue(second.awaitClosed());
      first.sendFrame("still mine");
      assertEquals("still mine", first.readText());
    }
  }

  @Test
  void unexpectedAndAnonymousRecordsDoNotOutliveTheirConnections() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate(),
        GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW).withProcessor(EchoProcessor.class.getName()))
        .withClients("kept"));
    for (int i = 0; i < 300; i++) {
      try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "churn-" + i)) {
        c.sendFrame("ping");
        assertEquals("ping", c.readText());
      }
      try (FrameClient raw = FrameClient.tcp(HOST, node.port("raw"))) {
        raw.write("GET".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("GET".getBytes(StandardCharsets.US_ASCII), raw.readExactly(3));
      }
    }
    Await.until("only the declared record is left", () -> node.clients().size() == 1);
    assertEquals("kept", node.clients().get(0).name());
  }

  @Test
  void rawGateClientsAreAnonymousAndGetBytesAsTheyCome() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW).withProcessor(EchoProcessor.class.getName())));
    try (FrameClient c = FrameClient.tcp(HOST, node.port("raw"))) {
      byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      c.write(request);
      assertArrayEquals(request, c.readExactly(request.length));
      ClientInfo info = Await.value("anonymous client", () -> node.clients().stream().findFirst().orElse(null));
      assertEquals(ClientKind.ANONYMOUS, info.kind());
      assertTrue(info.name().startsWith("anonymous-"));
      // Anonymous clients are reachable by id like any other.
      node.send(info.id(), Buffer.buffer("pushed")).await();
      assertArrayEquals("pushed".getBytes(StandardCharsets.US_ASCII), c.readExactly(6));
    }
  }

  @Test
  void sendByNameAndIdWithClearOutcomes() throws Exception {
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("carol", "absent"),
        (connection, data) -> received.add(connection.name() + ":" + data));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "carol")) {
      Await.until("carol connected", () -> node.client("carol").connected());
      node.send("carol", Buffer.buffer("by name")).await();
      node.send(node.client("carol").id(), Buffer.buffer("by id")).await();
      node.send(node.client("carol").id(), List.of(Buffer.buffer("batch 1"), Buffer.buffer("batch 2"))).await();
      assertEquals("by name", c.readText());
      assertEquals("by id", c.readText());
      assertEquals("batch 1", c.readText());
      assertEquals("batch 2", c.readText());
      c.sendFrame("up");
      Await.until("message delivered to the handler", () -> received.contains("carol:up"));
    }
    assertEquals(SendException.Reason.UNKNOWN_CLIENT, failure(node.send("nobody", Buffer.buffer("x"))).reason());
    assertEquals(SendException.Reason.UNKNOWN_CLIENT, failure(node.send(987654L, Buffer.buffer("x"))).reason());
    assertEquals(SendException.Reason.NOT_CONNECTED, failure(node.send("absent", Buffer.buffer("x"))).reason());
  }

  @Test
  void slowReaderHitsTheOutputCapInsteadOfGrowingMemory() throws Exception {
    long cap = 256 * 1024;
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("slow")
        .withLimits(Limits.DEFAULTS.withMaxQueuedOutputBytes(cap)));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "slow")) {
      Await.until("slow connected", () -> node.client("slow").connected());
      Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
      SendException refused = null;
      for (int i = 0; i < 10_000 && refused == null; i++) { // the kernel buffers some MiB at most
        try {
          node.send("slow", chunk).await();
        } catch (SendException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "a send is refused once the queue is full");
      assertEquals(SendException.Reason.OUTPUT_FULL, refused.reason());
      assertTrue(node.counters().get("send.output full") >= 1);
      // The connection survives: once the client reads, sending works again and nothing was reordered.
      int frames = 0;
      while (true) {
        try {
          node.send("slow", Buffer.buffer("after")).await();
          break;
        } catch (SendException e) {
          c.readFrame(); // the reader catches up
          frames++;
          assertTrue(frames < 100_000, "reading frees room for new sends");
        }
      }
      while (!c.readText().equals("after")) {
        frames++;
        assertTrue(frames < 100_000, "'after' arrives behind the queued messages");
      }
    }
  }

  @Test
  void messageOverTheSizeLimitClosesOnlyThatConnection() throws Exception {
    // A processor that does not opt in to streams: over the limit is a protocol violation.
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(ThrowingProcessor.class.getName()))
        .withLimits(Limits.DEFAULTS.withMaxMessageSize(100)));
    int port = node.port("tcp");
    try (FrameClient big = FrameClient.named(HOST, port, "big"); FrameClient small = FrameClient.named(HOST, port, "small")) {
      big.sendFrame(new byte[100]);
      assertEquals(100, big.readFrame().length);
      big.write(FrameClient.header(101));
      assertTrue(big.awaitClosed());
      small.sendFrame("unaffected");
      assertEquals("unaffected", small.readText());
    }
    // Counted when the socket is gone: after the peer ended too (a closing connection lingers for its end).
    Await.until("counted", () -> node.counters().getOrDefault("closed.message too long", 0L) == 1);
  }

  @Test
  void anExceptionInAProcessorClosesOnlyItsConnection() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)
        .withProcessor(ThrowingProcessor.class.getName())));
    int port = node.port("tcp");
    try (FrameClient bad = FrameClient.named(HOST, port, "bad"); FrameClient good = FrameClient.named(HOST, port, "good")) {
      bad.sendFrame("boom");
      assertTrue(bad.awaitClosed());
      good.sendFrame("fine");
      assertEquals("fine", good.readText());
    }
    // Counted when the socket is gone: after the peer ended too (a closing connection lingers for its end).
    Await.until("counted", () -> node.counters().getOrDefault("closed.handler failed", 0L) == 1);
  }

  @Test
  void removeClientClosesItsConnectionAndForgetsIt() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate()).withClients("gone"));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "gone")) {
      assertTrue(node.removeClient("gone"));
      assertTrue(c.awaitClosed());
    }
    assertNull(node.client("gone"));
    assertFalse(node.removeClient("gone"));
  }

  @Test
  void severalInstancesShareOnePortRoundRobin() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echoGate().withInstances(4)));
    int port = node.port("tcp");
    FrameClient[] clients = new FrameClient[16];
    try {
      for (int i = 0; i < clients.length; i++) {
        clients[i] = FrameClient.named(HOST, port, "w" + i);
      }
      Set<Integer> instances = new HashSet<>();
      for (ClientInfo info : node.clients()) {
        instances.add(info.instance());
      }
      assertEquals(Set.of(0, 1, 2, 3), instances, "every instance accepted connections");
      for (FrameClient c : clients) {
        c.sendFrame("hi");
        assertEquals("hi", c.readText());
      }
    } finally {
      for (FrameClient c : clients) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  static SendException failure(Future<?> future) {
    Throwable e = assertThrows(Throwable.class, future::await);
    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
    assertTrue(cause instanceof SendException, String.valueOf(cause));
    return (SendException) cause;
  }
}
