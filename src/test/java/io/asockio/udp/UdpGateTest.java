package io.asockio.udp;

import io.asockio.api.Asockio;
import io.asockio.api.BusAddresses;
import io.asockio.api.ClientInfo;
import io.asockio.api.ClientKind;
import io.asockio.api.IoCore;
import io.asockio.api.IoIterationResult;
import io.asockio.api.SendException;
import io.asockio.config.AccessConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.Endpoint;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.GeneratedStream;
import io.asockio.testing.LogCapture;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.UdpPeer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datagram gates: one datagram per message, peers as clients, their limits and their abuse rules. */
class UdpGateTest {

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static final String HOST = "127.0.0.1";
  static final String ECHO = EchoProcessor.class.getName();

  static GateConfig echo(String name) {
    return GateConfig.udp(name, HOST, 0).withProcessor(ECHO);
  }

  static String text(byte[] datagram) {
    return datagram == null ? null : new String(datagram, StandardCharsets.UTF_8);
  }

  @Test
  void framedPeersOverV4AndV6AreNamedClientsThatGetOneDatagramPerMessage() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("u4"), GateConfig.udp("u6", "::1", 0).withProcessor(ECHO)));
    try (UdpPeer v4 = UdpPeer.named(HOST, node.port("u4"), "over-v4");
         UdpPeer v6 = UdpPeer.named("::1", node.port("u6"), "over-v6")) {
      assertEquals("udp", node.client("over-v4").transport());
      assertEquals("u6", node.client("over-v6").gate());
      assertEquals(HOST + ":" + v4.localPort(), node.client("over-v4").remoteAddress());
      assertEquals("[::1]:" + v6.localPort(), node.client("over-v6").remoteAddress());
      v4.send("echo me");
      assertEquals("echo me", v4.receiveText());
      // Netty neither delivers nor sends an empty datagram: it is no message, and an empty send is refused.
      v4.send(new byte[0]);
      v4.send("after empty");
      assertEquals("after empty", v4.receiveText());
      assertEquals(2, node.connection("over-v4").messagesReceived());
      SendException empty = assertThrows(SendException.class, () -> node.send("over-v4", Buffer.buffer()).await());
      assertEquals(SendException.Reason.NOT_ONE_DATAGRAM, empty.reason());
      node.send("over-v6", Buffer.buffer("by name")).await();
      assertEquals("by name", v6.receiveText());
      // Several messages in one send: several datagrams, each whole.
      long id = node.client("over-v6").id();
      node.send(id, List.of(Buffer.buffer("one"), Buffer.buffer("two"), Buffer.buffer("three"))).await();
      assertEquals(List.of("one", "two", "three"), List.of(v6.receiveText(), v6.receiveText(), v6.receiveText()));
      // And a lazy sender's batch too.
      node.sendAll(id, List.of(Buffer.buffer("lazy-1"), Buffer.buffer("lazy-2")).iterator()).await();
      assertEquals(List.of("lazy-1", "lazy-2"), List.of(v6.receiveText(), v6.receiveText()));
    }
  }

  @Test
  void aRepeatedKeywordIsAnsweredAgainAndIsNotAMessage() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("udp")));
    try (UdpPeer peer = UdpPeer.named(HOST, node.port("udp"), "again")) {
      peer.send("again"); // as if the first OK was lost
      assertEquals("OK", peer.receiveText());
      peer.send("a message");
      assertEquals("a message", peer.receiveText());
      assertEquals(1, node.connection("again").messagesReceived());
      assertTrue(node.counters().get("udp.keyword repeated") >= 1L);
    }
  }

  @Test
  void rawPeersAreAnonymousClients() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("raw").withMode(GateConfig.Mode.RAW)));
    try (UdpPeer a = new UdpPeer(HOST, node.port("raw")); UdpPeer b = new UdpPeer(HOST, node.port("raw"))) {
      a.send("from a");
      b.send("from b");
      assertEquals("from a", a.receiveText());
      assertEquals("from b", b.receiveText());
      List<ClientInfo> clients = node.clients();
      assertEquals(2, clients.size());
      for (ClientInfo c : clients) {
        assertEquals(ClientKind.ANONYMOUS, c.kind());
        assertEquals("udp", c.transport());
      }
      // Raw or not, a datagram keeps its boundaries: two messages are two datagrams.
      long id = clients.stream().filter(c -> c.remoteAddress().endsWith(":" + a.localPort())).findFirst().orElseThrow().id();
      node.send(id, List.of(Buffer.buffer("x"), Buffer.buffer("yz"))).await();
      assertEquals("x", a.receiveText());
      assertEquals("yz", a.receiveText());
    }
  }

  @Test
  void aSilentPeerIsForgottenAndADeclaredNameKeepsItsId() throws Exception {
    GateConfig gate = echo("udp");
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    fixture.vertx.eventBus().<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body())).completion().await();
    Asockio node = fixture.start(AsockioConfig.of(gate.withLimits(gate.limits().withIdleTimeoutMs(300))).withClients("kept"));
    long id = node.client("kept").id();
    try (UdpPeer peer = UdpPeer.named(HOST, node.port("udp"), "kept")) {
      Await.until("kept disconnected as idle", () -> events.stream().anyMatch(
          e -> "disconnected".equals(e.getString("type")) && "kept".equals(e.getString("name"))
              && e.getString("cause", "").contains("idle")));
      assertTrue(!node.client("kept").connected());
      // Back after the silence: a new handshake, the same client.
      assertEquals("OK", peer.handshake("kept"));
      assertEquals(id, node.client("kept").id());
      peer.send("back");
      assertEquals("back", peer.receiveText());
    }
  }

  @Test
  void whatDoesNotFitOneDatagramIsRefused() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("udp").withMaxDatagramSize(1000)));
    try (UdpPeer peer = UdpPeer.named(HOST, node.port("udp"), "small")) {
      SendException tooLarge = assertThrows(SendException.class,
          () -> node.send("small", Buffer.buffer(new byte[1001])).await());
      assertEquals(SendException.Reason.NOT_ONE_DATAGRAM, tooLarge.reason());
      long id = node.client("small").id();
      SendException inAList = assertThrows(SendException.class,
          () -> node.send(id, List.of(Buffer.buffer("fits"), Buffer.buffer(new byte[1001]))).await());
      assertEquals(SendException.Reason.NOT_ONE_DATAGRAM, inAList.reason());
      ReadStream<Buffer> source = new GeneratedStream(fixture.vertx.getOrCreateContext(), 8);
      SendException streamed = assertThrows(SendException.class, () -> node.sendStream("small", source, 8).await());
      assertEquals(SendException.Reason.NOT_ONE_DATAGRAM, streamed.reason());
      node.send("small", Buffer.buffer(new byte[1000])).await();
      assertEquals(1000, peer.receive(Await.DEFAULT).length);
      // Inbound: a datagram over the limit is dropped and counted; the peer goes on.
      peer.send(new byte[1001]);
      peer.send("after");
      assertEquals("after", peer.receiveText());
      assertEquals(1L, node.counters().get("udp.datagram too large"));
      assertEquals(3L, node.counters().get("send.not one datagram"), "the message, the one in the list and the stream");
    }
  }

  @Test
  void aHandshakeAnswerIsNeverLongerThanTheKeyword() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("udp")).withAccess(AccessConfig.fromJson(new JsonObject("""
        {"named": {"rules": [{"keyword": "*", "action": "deny", "reason": "no names over here"}]}}"""), "access")));
    try (UdpPeer peer = new UdpPeer(HOST, node.port("udp"))) {
      peer.send("ab"); // "ERR ..." does not fit two bytes: no answer at all
      Await.until("the answer withheld", () -> node.counters().getOrDefault("udp.answer withheld", 0L) == 1L);
      peer.send("abcdefghij");
      byte[] answer = peer.receive(Await.DEFAULT); // datagrams on loopback keep their order: this answers the second
      assertEquals("ERR no nam", text(answer), "cut to the keyword's 10 bytes");
      assertNull(node.client("abcdefghij"));
    }
  }

  @Test
  void peersPerAddressAreBoundedAsConnectionsAre() throws Exception {
    GateConfig gate = echo("udp");
    Asockio node = fixture.start(AsockioConfig.of(gate.withLimits(gate.limits().withMaxConnectionsPerAddress(1))));
    try (UdpPeer first = UdpPeer.named(HOST, node.port("udp"), "first");
         UdpPeer second = new UdpPeer(HOST, node.port("udp"))) {
      String answer = second.handshake("second-peer-from-the-same-address");
      assertTrue(answer.startsWith("ERR "), answer);
      assertNull(node.client("second-peer-from-the-same-address"));
      first.send("still served");
      assertEquals("still served", first.receiveText());
    }
  }

  @Test
  void newPeersPerSecondAreBoundedAsNewConnectionsAre() throws Exception {
    GateConfig gate = echo("udp");
    Asockio node = fixture.start(AsockioConfig.of(gate.withLimits(gate.limits().withAcceptRatePerSecond(1))));
    List<UdpPeer> peers = new ArrayList<>();
    try (UdpPeer first = UdpPeer.named(HOST, node.port("udp"), "first-peer")) {
      // One token a second, and the first peer took it: of five more new addresses at once, most are refused.
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        UdpPeer next = new UdpPeer(HOST, node.port("udp"));
        peers.add(next);
        next.send("another-peer-number" + i);
        answers.add(next.receiveText());
      }
      assertTrue(answers.stream().filter(a -> a.equals("ERR too many new con")).count() >= 3,
          "refusals cut to the keyword's 20 bytes: " + answers);
      first.send("served");
      assertEquals("served", first.receiveText());
    } finally {
      for (UdpPeer peer : peers) {
        peer.close();
      }
    }
  }

  @Test
  void accessRulesNameTheUdpTransport() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo("udp"), GateConfig.tcp("tcp", HOST, 0).withProcessor(ECHO))
        .withAccess(AccessConfig.fromJson(new JsonObject("""
            {"named": {"rules": [
              {"keyword": "sensor-*", "transport": "udp", "source": "127.0.0.0/8", "action": "allow"},
              {"keyword": "sensor-*", "action": "deny", "reason": "sensors over udp"}]}}"""), "access")));
    try (UdpPeer sensor = UdpPeer.named(HOST, node.port("udp"), "sensor-1")) {
      sensor.send("reading");
      assertEquals("reading", sensor.receiveText());
    }
    try (FrameClient tcp = FrameClient.tcp(HOST, node.port("tcp"))) {
      tcp.sendFrame("sensor-2");
      assertEquals("ERR sensors over udp", tcp.readText());
    }
  }

  @Test
  void theBusAndThePlainCodeStyleServeUdpClients() throws Exception {
    IoCore core = IoCore.start(fixture.vertx, AsockioConfig.of(GateConfig.udp("udp", HOST, 0))).await();
    try (UdpPeer peer = UdpPeer.named(HOST, core.node().port("udp"), "plain")) {
      long id = core.clientId("plain");
      Set<Long> connected = new HashSet<>();
      List<String> got = new ArrayList<>();
      peer.send("one");
      peer.send("two");
      long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
      while (got.size() < 2 && System.nanoTime() < deadline) {
        IoIterationResult r = core.ioIteration(Duration.ofMillis(200));
        connected.addAll(r.newlyConnectedUnknownClients());
        if (r.clientsHaveDataToRead().contains(id)) {
          core.readMessages(id).forEach(b -> got.add(b.toString(StandardCharsets.UTF_8)));
        }
      }
      assertTrue(connected.contains(id));
      assertEquals(List.of("one", "two"), got);
      core.sendMessageToClient(id, Buffer.buffer("plain answer")).await();
      assertEquals("plain answer", peer.receiveText());
      fixture.vertx.eventBus().request(BusAddresses.client("plain"), Buffer.buffer("over the bus")).await();
      assertEquals("over the bus", peer.receiveText());
    } finally {
      core.node().stop().await();
    }
  }

  /** Two instances on one port; asked for a receive buffer past the kernel's cap, the gate says so once, not once per socket. */
  @Test
  void instancesShareThePortWithReusePort() throws Exception {
    GateConfig gate = echo("udp").withInstances(2).withReceiveBufferBytes(Endpoint.MAX_RECEIVE_BUFFER_BYTES);
    if (!fixture.vertx.isNativeTransportEnabled()) {
      Throwable err = assertThrows(Throwable.class, () -> fixture.start(AsockioConfig.of(gate)));
      assertTrue(String.valueOf(err.getMessage()).contains("needs native epoll"), String.valueOf(err.getMessage()));
      return;
    }
    Asockio node;
    try (LogCapture log = LogCapture.of("io.asockio.impl.udp.DatagramSockets")) {
      node = fixture.start(AsockioConfig.of(gate));
      assertEquals(1, log.messages().stream().filter(w -> w.startsWith("udp gate \"udp\": the kernel gave")).count(),
          log.messages().toString());
    }
    List<UdpPeer> peers = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        UdpPeer peer = UdpPeer.named(HOST, node.port("udp"), "p" + i);
        peers.add(peer);
        peer.send("hello " + i);
        assertEquals("hello " + i, peer.receiveText());
      }
      Set<Integer> instances = new HashSet<>();
      node.clients().forEach(c -> instances.add(c.instance()));
      assertTrue(instances.stream().allMatch(i -> i == 0 || i == 1), instances.toString());
    } finally {
      for (UdpPeer peer : peers) {
        peer.close();
      }
    }
  }
}
