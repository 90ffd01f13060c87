package io.asockio.gate;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.asockio.demo.EchoProcessor;
import io.asockio.api.ClientKind;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keyword handshake of PROTOCOL.md §2–3, over real TCP sockets on 127.0.0.1. */
class HandshakeTest {

  static final String HOST = "127.0.0.1";
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static GateConfig echoGate() {
    return GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName());
  }

  int start(AsockioConfig config) {
    Asockio node = fixture.start(config);
    return node.port("tcp");
  }

  @Test
  void namedClientGetsOkThenMessagesEcho() throws Exception {
    int port = start(AsockioConfig.of(echoGate()).withClients("manager client"));
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.write(new byte[] {0x0e, 0, 0, 0, 0, 0, 0, 0, 'm', 'a', 'n', 'a', 'g', 'e', 'r', ' ', 'c', 'l', 'i', 'e', 'n', 't'});
      assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 'O', 'K'}, c.readExactly(10));
      c.sendFrame("hello");
      assertEquals("hello", c.readText());
      c.sendFrame("");
      assertEquals("", c.readText());
    }
    assertEquals(ClientKind.EXPECTED, fixture.node().client("manager client").kind());
  }

  @Test
  void messagesRightBehindTheKeywordInTheSameWriteAreNotLost() throws Exception {
    int port = start(AsockioConfig.of(echoGate()));
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.write(FrameClient.frame("alice"));
      for (int i = 0; i < 50; i++) {
        burst.write(FrameClient.frame("m" + i));
      }
      c.write(burst.toByteArray());
      assertEquals("OK", c.readText());
      for (int i = 0; i < 50; i++) {
        assertEquals("m" + i, c.readText());
      }
    }
  }

  @Test
  void unknownKeywordIsAcceptedAsUnexpectedByDefault() throws Exception {
    int port = start(AsockioConfig.of(echoGate()));
    try (FrameClient c = FrameClient.named(HOST, port, "stranger")) {
      c.sendFrame("x");
      assertEquals("x", c.readText());
      assertEquals(ClientKind.UNEXPECTED, fixture.node().client("stranger").kind());
    }
  }

  @Test
  void unknownKeywordIsRefusedUnderPolicyRefuse() throws Exception {
    int port = start(AsockioConfig.of(echoGate()).withClients("known")
        .withPolicies(new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE)));
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.sendFrame("stranger");
      assertEquals("ERR unknown keyword", c.readText());
      assertTrue(c.awaitClosed());
    }
    try (FrameClient c = FrameClient.named(HOST, port, "known")) {
      c.sendFrame("still serving");
      assertEquals("still serving", c.readText());
    }
    assertEquals(1L, fixture.node().counters().get("refused.unknown keyword"));
    assertEquals(null, fixture.node().client("stranger"));
  }

  @Test
  void silentPeerIsClosedOnHandshakeTimeout() throws Exception {
    int port = start(AsockioConfig.of(echoGate()).withLimits(Limits.DEFAULTS.withHandshakeTimeoutMs(300)));
    try (FrameClient silent = FrameClient.tcp(HOST, port); FrameClient partial = FrameClient.tcp(HOST, port)) {
      partial.write(new byte[] {5, 0, 0}); // a header cut short: slowloris
      assertEquals("ERR handshake timeout", silent.readText());
      assertTrue(silent.awaitClosed());
      assertEquals("ERR handshake timeout", partial.readText());
      assertTrue(partial.awaitClosed());
    }
    assertEquals(2L, fixture.node().counters().get("refused.handshake timeout"));
  }

  @Test
  void oversizedKeywordIsRefusedFromItsHeaderAlone() throws Exception {
    int port = start(AsockioConfig.of(echoGate()).withLimits(Limits.DEFAULTS.withMaxKeywordLength(16)));
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.write(FrameClient.header(17)); // no body at all: the server must not wait for it
      assertEquals("ERR keyword too long", c.readText());
      assertTrue(c.awaitClosed());
    }
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.write(FrameClient.header(-1L)); // 2^64-1
      assertEquals("ERR keyword too long", c.readText());
    }
    try (FrameClient c = FrameClient.named(HOST, port, "sixteen-bytes-ok")) {
      c.sendFrame("fine");
      assertEquals("fine", c.readText());
    }
  }

  @Test
  void emptyAndMalformedKeywordsAreRefusedWithoutEchoingThem() throws Exception {
    int port = start(AsockioConfig.of(echoGate()));
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.sendFrame("");
      assertEquals("ERR empty keyword", c.readText());
      assertTrue(c.awaitClosed());
    }
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.sendFrame(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
      assertEquals("ERR keyword is not valid UTF-8", c.readText());
      assertTrue(c.awaitClosed());
    }
  }

  @Test
  void unicodeKeywordsAreComparedExactly() throws Exception {
    int port = start(AsockioConfig.of(echoGate()).withClients("Zoë")
        .withPolicies(new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE)));
    try (FrameClient c = FrameClient.named(HOST, port, "Zoë")) {
      assertNotNull(fixture.node().client("Zoë"));
    }
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      c.sendFrame("zoë"); // case differs
      assertEquals("ERR unknown keyword", c.readText());
    }
    assertEquals("Zoë".getBytes(StandardCharsets.UTF_8).length, 4);
  }

  @Test
  void serverWaitsForAWholeKeywordSplitAcrossWrites() throws Exception {
    int port = start(AsockioConfig.of(echoGate()));
    byte[] keyword = FrameClient.frame("patient");
    try (FrameClient c = FrameClient.tcp(HOST, port)) {
      for (byte b : keyword) {
        c.write(new byte[] {b});
      }
      assertEquals("OK", c.readText());
    }
  }
}
