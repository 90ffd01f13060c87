package io.asockio.udp;

import io.asockio.api.Asockio;
import io.asockio.api.ClientKind;
import io.asockio.api.Link;
import io.asockio.api.LinkException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.LogCapture;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client role over UDP: a link's handshake with retries, its messages as datagrams. */
class UdpLinkTest {

  static final String HOST = "127.0.0.1";
  final NodeFixture server = new NodeFixture();
  final NodeFixture client = new NodeFixture();

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void aUdpLinkIsAClientLikeAnyOther() throws Exception {
    Asockio up = server.start(AsockioConfig.of(GateConfig.udp("udp", HOST, 0).withProcessor(EchoProcessor.class.getName())));
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = client.start(AsockioConfig.of(), (connection, data) -> received.add(connection.name() + ":" + data));
    Link link = node.link(LinkConfig.udp("upstream", HOST, up.port("udp")).withKeyword("edge-1"));
    link.firstOutcome().await();
    assertEquals(Link.Status.OPEN, link.status());
    assertEquals(ClientKind.OUTGOING, node.client("upstream").kind());
    assertEquals("udp", node.client("upstream").transport());
    assertTrue(up.client("edge-1").connected());
    node.send("upstream", Buffer.buffer("ping")).await();
    Await.until("the echo came back through the link", () -> received.contains("upstream:ping"));
    up.send("edge-1", Buffer.buffer("pushed")).await();
    Await.until("the server's push arrived", () -> received.contains("upstream:pushed"));
  }

  /** Both ends ask for a receive buffer past any kernel's cap: each socket gets the cap, says so, and works. */
  @Test
  void aReceiveBufferPastTheKernelsCapIsAWarningNotAFailure() throws Exception {
    try (LogCapture log = LogCapture.of("io.asockio.impl.udp.DatagramSockets")) {
      int huge = 1 << 30;
      Asockio up = server.start(AsockioConfig.of(GateConfig.udp("greedy", HOST, 0).withReceiveBufferBytes(huge)
          .withProcessor(EchoProcessor.class.getName())));
      ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
      Asockio node = client.start(AsockioConfig.of(), (connection, data) -> received.add(data.toString()));
      Link link = node.link(LinkConfig.udp("greedy-link", HOST, up.port("greedy")).withReceiveBufferBytes(huge));
      link.firstOutcome().await();
      node.send("greedy-link", Buffer.buffer("ping")).await();
      Await.until("the echo", () -> received.contains("ping"));
      assertTrue(log.messages().stream().anyMatch(w -> w.startsWith("udp gate \"greedy\": the kernel gave its socket a receive buffer of ")
          && w.contains(" not the " + huge + " of receiveBufferBytes")), log.messages().toString());
      assertTrue(log.messages().stream().anyMatch(w -> w.startsWith("udp link \"greedy-link\": the kernel gave")), log.messages().toString());
    }
  }

  /**
   * A hand-written server that loses the first keyword, then answers the second one twice (as
   * if it answered a third copy too): the link sends its keyword again, opens on the first OK and
   * takes the extra OK for what it is, not for a message.
   */
  @Test
  void theKeywordIsSentAgainUntilAnsweredAndRepeatedAnswersAreNoMessages() throws Exception {
    try (DatagramSocket fake = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
      fake.setSoTimeout(20_000);
      ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
      Asockio node = client.start(AsockioConfig.of(), (connection, data) -> received.add(data.toString()));
      Link link = node.link(LinkConfig.udp("lossy", HOST, fake.getLocalPort()).withReconnect(LinkConfig.Reconnect.OFF));
      DatagramPacket first = receive(fake);
      assertEquals("lossy", text(first), "the keyword");
      DatagramPacket second = receive(fake); // the first one "lost": the link sends it again
      assertEquals("lossy", text(second));
      SocketAddress from = second.getSocketAddress();
      send(fake, "OK", from);
      link.firstOutcome().await();
      send(fake, "OK", from);
      send(fake, "a message", from);
      Await.until("the message", () -> received.contains("a message"));
      assertEquals(List.of("a message"), List.copyOf(received), "the repeated OK is no message");
      node.send("lossy", Buffer.buffer("out")).await();
      DatagramPacket out;
      do {
        out = receive(fake); // skip keywords still on their way
      } while ("lossy".equals(text(out)));
      assertEquals("out", text(out));
    }
  }

  @Test
  void aLinkToAPortNobodyListensOnFails() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
      port = probe.getLocalPort();
    }
    Asockio node = client.start(AsockioConfig.of());
    Link link = node.link(LinkConfig.udp("nowhere", HOST, port).withReconnect(LinkConfig.Reconnect.OFF));
    Throwable failure = assertThrows(Throwable.class, () -> link.firstOutcome().await());
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    assertTrue(cause instanceof LinkException, String.valueOf(cause));
    assertEquals(LinkException.Kind.UNREACHABLE, ((LinkException) cause).kind(), cause.getMessage());
    assertTrue(cause.getMessage().startsWith("cannot connect to udp 127.0.0.1:" + port), cause.getMessage());
    Await.until("link closed for good", () -> link.status() == Link.Status.CLOSED);
  }

  @Test
  void aRawUdpLinkSendsEachMessageAsItIs() throws Exception {
    Asockio up = server.start(AsockioConfig.of(GateConfig.udp("raw", HOST, 0).withMode(GateConfig.Mode.RAW)
        .withProcessor(EchoProcessor.class.getName())));
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = client.start(AsockioConfig.of(), (connection, data) -> received.add(data.toString()));
    node.link(LinkConfig.udp("raw-up", HOST, up.port("raw")).withMode(GateConfig.Mode.RAW)).firstOutcome().await();
    node.send("raw-up", Buffer.buffer("one")).await();
    node.send("raw-up", Buffer.buffer("two")).await();
    Await.until("two echoes", () -> received.size() == 2);
    assertTrue(received.containsAll(List.of("one", "two")));
  }

  static DatagramPacket receive(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
    socket.receive(packet);
    return packet;
  }

  static void send(DatagramSocket socket, String text, SocketAddress to) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  static String text(DatagramPacket packet) {
    return new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
  }

}
