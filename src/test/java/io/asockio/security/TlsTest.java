package io.asockio.security;

import io.asockio.api.Link;
import io.asockio.api.Asockio;
import io.asockio.api.LinkException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.config.TlsConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.TestCerts;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS gates (with and without client certificates) and TLS links. */
class TlsTest {

  @RegisterExtension
  final NodeFixture client = new NodeFixture();
  @RegisterExtension
  final NodeFixture server = new NodeFixture();

  static TlsConfig serverTls(TlsConfig.ClientAuth auth) {
    TlsConfig tls = TlsConfig.serverPkcs12(java.nio.file.Path.of(TestCerts.store("server")), TestCerts.PASSWORD);
    return auth == TlsConfig.ClientAuth.NONE ? tls : tls.withClientAuth(auth, List.of(TestCerts.caPem()));
  }

  Asockio startTlsEcho(TlsConfig.ClientAuth auth) {
    return server.start(AsockioConfig.of(GateConfig.tcp("tls", "127.0.0.1", 0).withTls(serverTls(auth))
        .withProcessor(EchoProcessor.class.getName())));
  }

  /** The connection fails: at the TLS handshake, or (TLS 1.3, refused client certificate) as a close right after. */
  static boolean refused(String host, int port, javax.net.ssl.SSLContext context) {
    try (FrameClient c = FrameClient.tls(host, port, context)) {
      c.sendFrame("someone");
      try {
        c.readFrame();
        return false;
      } catch (IOException closed) {
        return true;
      }
    } catch (IOException handshakeFailed) {
      return true;
    }
  }

  @Test
  void tlsGateServesATlsClientAndRefusesPlainTcp() throws Exception {
    Asockio node = startTlsEcho(TlsConfig.ClientAuth.NONE);
    int port = node.port("tls");
    try (FrameClient c = FrameClient.tls("localhost", port, TestCerts.clientContext(null))) {
      c.handshake("secure");
      c.sendFrame("over tls");
      assertEquals("over tls", c.readText());
    }
    try (FrameClient plain = FrameClient.tcp("127.0.0.1", port)) {
      plain.sendFrame("plain");
      // The server reads our frame as a broken TLS record: never an OK, the connection ends.
      boolean gotOk;
      try {
        gotOk = plain.readText().equals("OK");
      } catch (IOException expected) {
        gotOk = false;
      }
      assertTrue(!gotOk);
    }
    assertEquals(null, node.client("plain"));
  }

  @Test
  void requiredClientCertificatesRefuseNoneAndUnknownOnes() throws Exception {
    Asockio node = startTlsEcho(TlsConfig.ClientAuth.REQUIRED);
    int port = node.port("tls");
    assertTrue(refused("localhost", port, TestCerts.clientContext(null)), "no certificate");
    assertTrue(refused("localhost", port, TestCerts.clientContext("rogue")), "a certificate the CA never signed");
    try (FrameClient c = FrameClient.tls("localhost", port, TestCerts.clientContext("billing"))) {
      c.handshake("billing");
      c.sendFrame("signed");
      assertEquals("signed", c.readText());
    }
  }

  @Test
  void linksSpeakTlsVerifyTheServerAndPresentClientCertificates() throws Exception {
    Asockio up = startTlsEcho(TlsConfig.ClientAuth.REQUIRED);
    int port = up.port("tls");
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    Asockio node = client.start(AsockioConfig.of(), (c, data) -> received.add(data.toString()));

    TlsConfig trusted = TlsConfig.clientTrusting(List.of(TestCerts.caPem()), TlsConfig.HostnameVerification.HTTPS)
        .withKeyCertPkcs12(java.nio.file.Path.of(TestCerts.store("billing")), TestCerts.PASSWORD);
    Link link = node.link(LinkConfig.tcp("secure", "localhost", port).withKeyword("billing").withTls(trusted)
        .withReconnect(LinkConfig.Reconnect.OFF));
    link.firstOutcome().await();
    node.send("secure", Buffer.buffer("hello over tls")).await();
    Await.until("echo over the TLS link", () -> received.contains("hello over tls"));
    assertEquals("tls", up.client("billing").transport());

    // Server verification is on by default: without the test CA the JVM's trust store refuses it.
    TlsConfig defaultTrust = new TlsConfig(null, null, TestCerts.store("billing"), TestCerts.PASSWORD,
        TlsConfig.ClientAuth.NONE, List.of(), null, null, TlsConfig.HostnameVerification.HTTPS);
    Link untrusted = node.link(LinkConfig.tcp("untrusted", "localhost", port).withTls(defaultTrust)
        .withReconnect(LinkConfig.Reconnect.OFF));
    Throwable e = assertThrows(Throwable.class, () -> untrusted.firstOutcome().await());
    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
    assertTrue(cause instanceof LinkException, String.valueOf(cause));

    // Host name verification: the certificate names localhost and 127.0.0.1, not 127.0.0.2.
    Link wrongName = node.link(LinkConfig.tcp("wrong-name", "127.0.0.2", port).withTls(trusted)
        .withReconnect(LinkConfig.Reconnect.OFF));
    assertThrows(Throwable.class, () -> wrongName.firstOutcome().await());
  }

  @Test
  void aGateTakesItsKeyAndCertificateFromPemFiles() throws Exception {
    String[] pem = TestCerts.pem("server");
    TlsConfig tls = new TlsConfig(pem[0], pem[1], null, null, TlsConfig.ClientAuth.REQUIRED, List.of(TestCerts.caPem()),
        null, null, null);
    Asockio node = server.start(AsockioConfig.of(GateConfig.tcp("tls", "127.0.0.1", 0).withTls(tls)
        .withProcessor(EchoProcessor.class.getName())));
    try (FrameClient c = FrameClient.tls("localhost", node.port("tls"), TestCerts.clientContext("worker-1"))) {
      c.handshake("worker-1");
      c.sendFrame("pem");
      assertEquals("pem", c.readText());
      assertEquals("worker-1", node.connection("worker-1").certificateCn(), "the client certificate was read");
    }
  }

  @Test
  void tlsConfigErrorsNameTheKey() {
    ConfigException missing = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(new io.vertx.core.json.JsonObject(
        "{\"gates\": [{\"name\": \"t\", \"port\": 1, \"tls\": {}}]}")));
    assertEquals("gates[0].tls.certPath", missing.key());
    ConfigException noTrust = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(new io.vertx.core.json.JsonObject(
        "{\"gates\": [{\"name\": \"t\", \"port\": 1, \"tls\": {\"pkcs12Path\": \"x\", \"clientAuth\": \"required\"}}]}")));
    assertEquals("gates[0].tls.trustPemPaths", noTrust.key());
    ConfigException implicit = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(new io.vertx.core.json.JsonObject(
        "{\"links\": [{\"name\": \"l\", \"port\": 1, \"tls\": {}}]}")));
    assertEquals("links[0].tls.hostnameVerification", implicit.key());
    Throwable unreadable = assertThrows(Throwable.class, () -> server.start(AsockioConfig.of(GateConfig.tcp("t", "127.0.0.1", 0)
        .withTls(TlsConfig.serverPkcs12(java.nio.file.Path.of("/nonexistent/server.p12"), "x")))));
    Throwable cause = unreadable instanceof CompletionException ? unreadable.getCause() : unreadable;
    assertEquals("gates[0].tls.pkcs12Path", ((ConfigException) cause).key());
  }

}
