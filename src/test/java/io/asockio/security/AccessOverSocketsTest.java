package io.asockio.security;

import io.asockio.api.Asockio;
import io.asockio.config.AccessConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.ConfigLoader;
import io.asockio.config.GateConfig;
import io.asockio.config.TlsConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.TestCerts;
import io.vertx.config.ConfigRetriever;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every example rule of docs/SECURITY.md, allowed and denied, over the transports it names. */
class AccessOverSocketsTest {

  static final String ECHO = EchoProcessor.class.getName();
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static AccessRules rules(String json) {
    return AccessConfig.fromJson(new JsonObject(json), "access");
  }

  static void assertRefused(FrameClient c, String keyword, String reason) throws IOException {
    c.sendFrame(keyword);
    assertEquals("ERR " + reason, c.readText());
    assertTrue(c.awaitClosed());
  }

  static void assertAccepted(FrameClient c, String keyword) throws IOException {
    c.handshake(keyword);
    c.sendFrame("hi");
    assertEquals("hi", c.readText());
  }

  @Test
  void managerOnlyOverTheUnixSocket() throws Exception {
    Path socket = fixture.tmp.resolve("m.sock");
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0).withProcessor(ECHO),
        GateConfig.unix("unix", socket.toString()).withProcessor(ECHO)).withAccess(rules("""
        {"named": {"rules": [
          {"name": "manager-unix", "keyword": "manager", "transport": "unix", "action": "allow"},
          {"name": "manager-elsewhere", "keyword": "manager", "action": "deny", "reason": "manager only over the Unix socket"}
        ]}}""")));
    try (FrameClient tcp = FrameClient.tcp("127.0.0.1", node.port("tcp"))) {
      assertRefused(tcp, "manager", "manager only over the Unix socket");
    }
    try (FrameClient unix = FrameClient.unix(socket)) {
      assertAccepted(unix, "manager");
    }
    try (FrameClient other = FrameClient.tcp("127.0.0.1", node.port("tcp"))) {
      assertAccepted(other, "somebody-else"); // default allow
    }
    assertEquals(1L, node.counters().get("denied.manager-elsewhere"));
    assertEquals(1L, node.counters().get("refused.access denied"), "refusals are counted by their kind; denials by rule");
  }

  @Test
  void workersOnlyFromTheirNetworks() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("v4", "127.0.0.1", 0).withProcessor(ECHO),
        GateConfig.tcp("v6", "::1", 0).withProcessor(ECHO)).withAccess(rules("""
        {"named": {"rules": [
          {"keyword": "worker-*", "source": ["127.0.0.0/8", "10.1.0.0/16"], "action": "allow"},
          {"keyword": "worker-*", "action": "deny", "reason": "not allowed from this address"}
        ]}}""")));
    try (FrameClient v4 = FrameClient.tcp("127.0.0.1", node.port("v4"))) {
      assertAccepted(v4, "worker-1");
    }
    try (FrameClient v6 = FrameClient.tcp("::1", node.port("v6"))) {
      assertRefused(v6, "worker-2", "not allowed from this address"); // ::1 is in neither network
    }
    // Reloaded to allow only 10.1.0.0/16: loopback is refused now.
    node.reloadAccess(rules("""
        {"named": {"rules": [
          {"keyword": "worker-*", "source": "10.1.0.0/16", "action": "allow"},
          {"keyword": "worker-*", "action": "deny", "reason": "not allowed from this address"}]}}"""));
    try (FrameClient v4 = FrameClient.tcp("127.0.0.1", node.port("v4"))) {
      assertRefused(v4, "worker-1", "not allowed from this address");
    }
  }

  @Test
  void anonymousFromAnywhereNamedOnlyFromLocalhost() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("http", "127.0.0.1", 0).withMode(GateConfig.Mode.RAW).withProcessor(ECHO),
        GateConfig.tcp("v4", "127.0.0.1", 0).withProcessor(ECHO),
        GateConfig.tcp("v6", "::1", 0).withProcessor(ECHO)).withAccess(rules("""
        {"anonymous": {"default": "allow"},
         "named": {"default": "deny", "defaultReason": "named clients only from localhost",
                   "rules": [{"source": ["127.0.0.0/8"], "action": "allow"}]}}""")));
    try (FrameClient raw = FrameClient.tcp("127.0.0.1", node.port("http"))) {
      raw.write("GET /".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("GET /".getBytes(StandardCharsets.US_ASCII), raw.readExactly(5));
    }
    try (FrameClient v4 = FrameClient.tcp("127.0.0.1", node.port("v4"))) {
      assertAccepted(v4, "alice");
    }
    try (FrameClient v6 = FrameClient.tcp("::1", node.port("v6"))) {
      assertRefused(v6, "alice", "named clients only from localhost"); // ::1 was left out of the rule on purpose
    }
  }

  @Test
  void anonymousPeersCanBeDeniedAtAccept() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("http", "127.0.0.1", 0).withMode(GateConfig.Mode.RAW).withProcessor(ECHO)).withAccess(rules("""
        {"anonymous": {"default": "allow", "rules": [{"name": "no-loopback", "source": "127.0.0.0/8", "action": "deny"}]}}""")));
    try (FrameClient raw = FrameClient.tcp("127.0.0.1", node.port("http"))) {
      assertTrue(raw.awaitClosed(), "closed at once");
    }
    Await.until("counted", () -> node.counters().getOrDefault("denied.no-loopback", 0L) == 1L);
    assertEquals(0, node.clients().size());
  }

  @Test
  void billingOnlyOverTlsWithItsCertificate() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("tls", "127.0.0.1", 0).withProcessor(ECHO).withTls(TlsConfig.serverPkcs12(java.nio.file.Path.of(TestCerts.store("server")),
            TestCerts.PASSWORD).withClientAuth(TlsConfig.ClientAuth.REQUEST, List.of(TestCerts.caPem()))),
        GateConfig.tcp("tcp", "127.0.0.1", 0).withProcessor(ECHO)).withAccess(rules("""
        {"named": {"rules": [
          {"name": "billing-cert", "keyword": "billing", "transport": "tls", "certificate": {"cn": "billing"}, "action": "allow"},
          {"name": "billing-otherwise", "keyword": "billing", "action": "deny", "reason": "billing needs its certificate"}
        ]}}""")));
    int tls = node.port("tls");
    try (FrameClient c = FrameClient.tls("localhost", tls, TestCerts.clientContext("billing"))) {
      assertAccepted(c, "billing");
      assertEquals("tls", node.client("billing").transport());
    }
    try (FrameClient c = FrameClient.tls("localhost", tls, TestCerts.clientContext("mallory"))) {
      assertRefused(c, "billing", "billing needs its certificate");
    }
    try (FrameClient c = FrameClient.tls("localhost", tls, TestCerts.clientContext(null))) {
      assertRefused(c, "billing", "billing needs its certificate");
    }
    try (FrameClient c = FrameClient.tcp("127.0.0.1", node.port("tcp"))) {
      assertRefused(c, "billing", "billing needs its certificate");
    }
  }

  @Test
  void aNameCanBeBoundToItsCertificate() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("tls", "127.0.0.1", 0).withProcessor(ECHO).withTls(TlsConfig.serverPkcs12(java.nio.file.Path.of(TestCerts.store("server")),
            TestCerts.PASSWORD).withClientAuth(TlsConfig.ClientAuth.REQUIRED, List.of(TestCerts.caPem())))).withAccess(rules("""
        {"named": {"default": "deny", "defaultReason": "keyword does not match the certificate",
                   "rules": [{"transport": "tls", "certificate": "keyword", "action": "allow"}]}}""")));
    int tls = node.port("tls");
    try (FrameClient c = FrameClient.tls("localhost", tls, TestCerts.clientContext("worker-1"))) {
      assertAccepted(c, "worker-1");
    }
    try (FrameClient c = FrameClient.tls("localhost", tls, TestCerts.clientContext("worker-1"))) {
      assertRefused(c, "billing", "keyword does not match the certificate");
    }
  }

  @Test
  void aBadReloadIsRejectedWholeAndTheOldRulesStay() throws Exception {
    AccessRules strict = rules("{\"named\": {\"default\": \"deny\", \"rules\": [{\"keyword\": \"ok-*\", \"action\": \"allow\"}]}}");
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0).withProcessor(ECHO)).withAccess(strict));
    try (FrameClient connected = FrameClient.named("127.0.0.1", node.port("tcp"), "ok-1")) {
      ConfigException bad = assertThrows(ConfigException.class, () -> node.reloadAccess(new JsonObject(
          "{\"named\": {\"default\": \"allow\", \"rules\": [{\"source\": \"not-an-address\", \"action\": \"allow\"}]}}")));
      assertEquals("access.named.rules[0].source", bad.key());
      ConfigException unknownGate = assertThrows(ConfigException.class, () -> node.reloadAccess(new JsonObject(
          "{\"named\": {\"default\": \"allow\", \"rules\": [{\"gate\": \"typo\", \"action\": \"allow\"}]}}")));
      assertEquals("access.named.rules[0].gate", unknownGate.key());
      assertEquals(strict, node.accessRules(), "the old rules stay");
      try (FrameClient c = FrameClient.tcp("127.0.0.1", node.port("tcp"))) {
        assertRefused(c, "other", "not allowed");
      }
      // A good reload applies to new handshakes only: the connected client stays.
      node.reloadAccess(new JsonObject("{\"named\": {\"default\": \"allow\"}}"));
      try (FrameClient c = FrameClient.tcp("127.0.0.1", node.port("tcp"))) {
        assertAccepted(c, "other");
      }
      connected.sendFrame("still here");
      assertEquals("still here", connected.readText());
    }
  }

  @Test
  void theConfigFileIsWatchedAndOnlyValidRulesAreTaken() throws Exception {
    Path file = fixture.tmp.resolve("watched.json");
    JsonObject base = AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0)).toJson();
    Files.writeString(file, base.encode());
    AtomicReference<AsockioConfig> valid = new AtomicReference<>();
    AtomicReference<Throwable> invalid = new AtomicReference<>();
    ConfigRetriever watcher = ConfigLoader.watch(fixture.vertx, file.toString(), 50, valid::set, invalid::set);
    try {
      JsonObject denyAll = base.copy().put("access", new JsonObject().put("named", new JsonObject().put("default", "deny")));
      Files.writeString(file, denyAll.encode());
      Await.until("a valid change is seen", () -> valid.get() != null && valid.get().access().named().defaultAction()
          == AccessRules.Action.DENY);
      Files.writeString(file, base.copy().put("access", new JsonObject().put("named", new JsonObject().put("default", "nope"))).encode());
      Await.until("an invalid change is reported", () -> invalid.get() != null);
      assertTrue(invalid.get().getMessage().contains("access.named.default"), invalid.get().getMessage());
    } finally {
      watcher.close();
    }
  }
}
