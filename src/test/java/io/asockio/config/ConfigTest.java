package io.asockio.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

  static JsonObject minimal() {
    return new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "tcp").put("port", 25000)));
  }

  @Test
  void defaultsApplyAndRoundTripThroughJson() {
    AsockioConfig config = AsockioConfig.fromJson(minimal());
    GateConfig gate = config.gates().get(0);
    assertEquals(GateConfig.Transport.TCP, gate.transport());
    assertEquals(GateConfig.DEFAULT_HOST, gate.host());
    assertEquals(GateConfig.Mode.FRAMED, gate.mode());
    assertEquals(1, gate.instances());
    assertEquals(Limits.DEFAULTS, config.limits());
    assertEquals(Policies.DEFAULTS, config.policies());
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
  }

  @Test
  void theShippedDefaultConfigIsValidAndRoundTrips() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/asockio.json")));
    AsockioConfig config = AsockioConfig.fromJson(json);
    assertEquals(List.of("tcp", "udp", "unix"), config.gates().stream().map(GateConfig::name).toList());
    assertEquals(25000, config.gates().get(0).port());
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
  }

  @Test
  void udpGatesAndLinksHaveTheirOwnKeysAndDefaults() {
    JsonObject json = new JsonObject().put("gates", new JsonArray()
            .add(new JsonObject().put("name", "u").put("transport", "udp").put("port", 25000).put("reusePort", true))
            .add(new JsonObject().put("name", "t").put("port", 25000)))
        .put("links", new JsonArray().add(new JsonObject().put("name", "l").put("transport", "udp").put("port", 25001)
            .put("maxDatagramSize", 1400).put("receiveBufferBytes", 4194304)));
    AsockioConfig config = AsockioConfig.fromJson(json);
    GateConfig udp = config.gates().get(0);
    assertEquals(GateConfig.Transport.UDP, udp.transport());
    assertEquals("udp", udp.transportName());
    assertEquals(Endpoint.DEFAULT_MAX_DATAGRAM_SIZE, udp.maxDatagramSize());
    assertEquals(GateLimits.DEFAULT_UDP_IDLE_TIMEOUT_MS, udp.limits().idleTimeoutMs(), "a UDP peer never says goodbye");
    assertTrue(udp.reusePort());
    assertEquals(0, config.gates().get(1).limits().idleTimeoutMs(), "TCP keeps its default; the same port number is another socket");
    assertEquals(1400, config.links().get(0).endpoint().maxDatagramSize());
    assertEquals(4194304, config.links().get(0).endpoint().receiveBufferBytes());
    assertEquals(0, udp.receiveBufferBytes(), "the system's default");
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
    JsonObject explicitOff = new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "u")
        .put("transport", "udp").put("port", 1).put("idleTimeoutMs", 0)));
    assertEquals(0, AsockioConfig.fromJson(explicitOff).gates().get(0).limits().idleTimeoutMs());

    assertKeyError("gates[0].tls", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "u")
        .put("transport", "udp").put("port", 1).put("tls", new JsonObject()))));
    assertKeyError("gates[0].maxDatagramSize", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "t").put("port", 1).put("maxDatagramSize", 1000))));
    assertKeyError("gates[0].maxDatagramSize", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "u").put("transport", "udp").put("port", 1).put("maxDatagramSize", 70000))));
    assertKeyError("gates[0].port", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "u").put("transport", "udp"))));
    assertKeyError("gates[0].receiveBufferBytes", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "t").put("port", 1).put("receiveBufferBytes", 1 << 20))));
    assertKeyError("gates[0].receiveBufferBytes", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "u").put("transport", "udp").put("port", 1).put("receiveBufferBytes", -1))));
    assertKeyError("links[0].receiveBufferBytes", new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray()
        .add(new JsonObject().put("name", "l").put("transport", "udp").put("port", 1).put("receiveBufferBytes", (1L << 30) + 1))));
    assertKeyError("gates[0].path", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "u").put("transport", "udp").put("port", 1).put("path", "x.sock"))));
  }

  @Test
  void aGateAnnouncesItsClientsUnlessToldNotTo() {
    JsonObject json = new JsonObject().put("gates", new JsonArray()
        .add(new JsonObject().put("name", "http").put("port", 8080).put("mode", "raw").put("announce", false))
        .add(new JsonObject().put("name", "tcp").put("port", 25000)));
    AsockioConfig config = AsockioConfig.fromJson(json);
    assertFalse(config.gates().get(0).announce());
    assertTrue(config.gates().get(1).announce());
    assertTrue(GateConfig.tcp("t", "127.0.0.1", 1).announce());
    assertFalse(GateConfig.udp("u", "127.0.0.1", 1).withAnnounce(false).withPort(2).announce(), "kept by the other withers");
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
    assertKeyError("gates[0].announce", new JsonObject().put("gates", new JsonArray().add(new JsonObject()
        .put("name", "t").put("port", 1).put("announce", "no"))));
  }

  /** What JSON refuses by key, the withers refuse too: a UDP-only or TCP-only setting on another transport, a value out of range. */
  @Test
  void endpointsBuiltInCodeAreCheckedLikeJson() {
    assertBadEndpoint("receiveBufferBytes: only for transport udp, not over this endpoint (tcp)",
        () -> GateConfig.tcp("t", "127.0.0.1", 0).withReceiveBufferBytes(1 << 20));
    assertBadEndpoint("maxDatagramSize: only for transport udp, not over this endpoint (unix)",
        () -> GateConfig.unix("u", "/tmp/x.sock").withMaxDatagramSize(1000));
    assertBadEndpoint("receiveBufferBytes: only for transport udp, not over this endpoint (tcp)",
        () -> LinkConfig.tcp("l", "127.0.0.1", 1).withReceiveBufferBytes(1 << 20));
    assertBadEndpoint("tls: only for transport tcp, not over this endpoint (udp)",
        () -> GateConfig.udp("u", "127.0.0.1", 0).withTls(TlsConfig.serverPkcs12(Path.of("server.p12"), "x")));
    assertBadEndpoint("receiveBufferBytes: expected 0..1073741824, got -1",
        () -> GateConfig.udp("u", "127.0.0.1", 0).withReceiveBufferBytes(-1));
    assertBadEndpoint("maxDatagramSize: expected 1..65527, got 70000",
        () -> GateConfig.udp("u", "127.0.0.1", 0).withMaxDatagramSize(70_000));
    assertBadEndpoint("port: expected 0..65535, got 65536", () -> GateConfig.tcp("t", "127.0.0.1", 65_536));
    // In range and on the right transport, as JSON reads them.
    GateConfig udp = GateConfig.udp("u", "127.0.0.1", 0).withReceiveBufferBytes(1 << 20).withMaxDatagramSize(1000);
    assertEquals(1 << 20, udp.receiveBufferBytes());
    assertEquals(udp, AsockioConfig.fromJson(AsockioConfig.of(udp).toJson()).gates().get(0));
  }

  static void assertBadEndpoint(String message, org.junit.jupiter.api.function.Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertEquals(message, e.getMessage());
  }

  @Test
  void processLinksNameTheirCommand() {
    JsonObject json = new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray().add(new JsonObject()
        .put("name", "worker").put("transport", "process").put("command", new JsonArray().add("python3").add("worker.py"))
        .put("env", new JsonObject().put("PYTHONUNBUFFERED", "1")).put("cwd", "/tmp").put("mode", "raw")));
    AsockioConfig config = AsockioConfig.fromJson(json);
    LinkConfig link = config.links().get(0);
    assertEquals(GateConfig.Transport.PROCESS, link.transport());
    assertEquals(List.of("python3", "worker.py"), link.process().command());
    assertEquals(Map.of("PYTHONUNBUFFERED", "1"), link.process().env());
    assertEquals("/tmp", link.process().cwd());
    assertEquals("process [python3, worker.py]", link.target());
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));

    JsonObject noCommand = new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray().add(new JsonObject()
        .put("name", "w").put("transport", "process")));
    assertKeyError("links[0].command", noCommand);
    JsonObject badEnv = new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray().add(new JsonObject()
        .put("name", "w").put("transport", "process").put("command", new JsonArray().add("cat")).put("env", new JsonObject().put("A", 1))));
    assertKeyError("links[0].env.A", badEnv);
    JsonObject commandOnTcp = new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray().add(new JsonObject()
        .put("name", "w").put("port", 1).put("command", new JsonArray().add("cat"))));
    assertKeyError("links[0].command", commandOnTcp);
    JsonObject portOnProcess = new JsonObject().put("gates", new JsonArray()).put("links", new JsonArray().add(new JsonObject()
        .put("name", "w").put("transport", "process").put("command", new JsonArray().add("cat")).put("port", 1)));
    assertKeyError("links[0].port", portOnProcess);
    JsonObject processGate = new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "g")
        .put("transport", "process")));
    assertKeyError("gates[0].transport", processGate);
  }

  @Test
  void theShippedClusterConfigIsValid() throws Exception {
    AsockioConfig config = AsockioConfig.fromJson(new JsonObject(Files.readString(Path.of("conf/cluster.json"))));
    assertTrue(config.cluster().enabled());
    assertTrue(config.gates().get(0).reusePort());
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
  }

  static void assertKeyError(String key, JsonObject json) {
    ConfigException e = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(json));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
  }

  @Test
  void errorsNameTheKey() {
    assertKeyError("gates", new JsonObject());
    assertKeyError("gates[0].port", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t").put("port", "abc"))));
    assertKeyError("gates[0].port", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t").put("port", 70000))));
    assertKeyError("gates[0].port", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t"))));
    assertKeyError("gates[0].name", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("port", 1))));
    assertKeyError("gates[0].mode", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t").put("port", 1).put("mode", "fancy"))));
    assertKeyError("gates[0].prot", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t").put("prot", 1))));
    assertKeyError("gates[0].instances", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t").put("port", 1).put("instances", 0))));
    assertKeyError("gates[0].path", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "u").put("transport", "unix"))));
    assertKeyError("gates[0].path", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "u").put("transport", "unix").put("path", "/" + "x".repeat(200)))));
    assertKeyError("gates[0].reusePort", new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "u").put("transport", "unix").put("path", "a.sock").put("reusePort", true))));
    assertKeyError("gates[1].name", minimal().copy().put("gates", minimal().getJsonArray("gates").copy().add(new JsonObject().put("name", "tcp").put("port", 1))));
    assertKeyError("gates[1]", minimal().copy().put("gates", minimal().getJsonArray("gates").copy().add(new JsonObject().put("name", "b").put("port", 25000))));
    assertKeyError("limits.maxMessageSize", minimal().put("limits", new JsonObject().put("maxMessageSize", -1)));
    assertKeyError("limits.maxMessageSize", minimal().put("limits", new JsonObject().put("maxMessageSize", 1L << 40)));
    assertKeyError("limits.maxKeywordLength", minimal().put("limits", new JsonObject().put("maxKeywordLength", "big")));
    assertKeyError("limits.handshakeTimeoutMs", minimal().put("limits", new JsonObject().put("handshakeTimeoutMs", 0)));
    assertKeyError("limits.maxMessageSize", minimal().put("limits", new JsonObject().put("maxMessageSize", 1.5)));
    assertKeyError("policies.takeover", minimal().put("policies", new JsonObject().put("takeover", "sometimes")));
    assertKeyError("policies", minimal().put("policies", "refuse"));
    assertKeyError("clients[1]", minimal().put("clients", new JsonArray().add("a").add("")));
    assertKeyError("clients[1]", minimal().put("clients", new JsonArray().add("a").add("a")));
    assertKeyError("nativeTransport", minimal().put("nativeTransport", "yes"));
    assertKeyError("gatez", minimal().put("gatez", 1));
  }

  @Test
  void overridesFollowKeyPathsCaseInsensitivelyAndNameGatesByName() {
    JsonObject json = minimal();
    ConfigLoader.applyOverride(json, "ASOCKIO_GATES_TCP_PORT", List.of("GATES", "TCP", "PORT"), "25001");
    ConfigLoader.applyOverride(json, "ASOCKIO_LIMITS_MAXMESSAGESIZE", List.of("LIMITS", "MAXMESSAGESIZE"), "1024");
    ConfigLoader.applyOverride(json, "asockio.policies.unexpected", List.of("policies", "unexpected"), "refuse");
    ConfigLoader.applyOverride(json, "ASOCKIO_CLIENTS", List.of("CLIENTS"), "[\"a\",\"b\"]");
    ConfigLoader.applyOverride(json, "ASOCKIO_GATES_0_HOST", List.of("GATES", "0", "HOST"), "::1");
    AsockioConfig config = AsockioConfig.fromJson(json);
    assertEquals(25001, config.gates().get(0).port());
    assertEquals("::1", config.gates().get(0).host());
    assertEquals(1024, config.limits().maxMessageSize());
    assertEquals(Policies.Unexpected.REFUSE, config.policies().unexpected());
    assertEquals(List.of("a", "b"), config.clientNames());
  }

  @Test
  void overridesThatNameNothingAreErrors() {
    assertThrows(ConfigException.class, () -> ConfigLoader.applyOverride(minimal(), "ASOCKIO_NOPE", List.of("NOPE"), "1"));
    assertThrows(ConfigException.class, () -> ConfigLoader.applyOverride(minimal(), "ASOCKIO_GATES_X_PORT", List.of("GATES", "X", "PORT"), "1"));
    assertThrows(ConfigException.class, () -> ConfigLoader.applyOverride(minimal(), "ASOCKIO_LIMITS_FOO", List.of("LIMITS", "FOO"), "1"));
    assertThrows(ConfigException.class, () -> ConfigLoader.applyOverride(minimal(), "ASOCKIO_GATES_TCP", List.of("GATES", "TCP"), "1"));
  }

  @Test
  void loaderReadsTheFileAndSystemPropertiesWin() throws Exception {
    Path file = Files.createTempFile("asockio", ".json");
    Files.writeString(file, minimal().encode());
    Vertx vertx = Vertx.vertx();
    System.setProperty("asockio.limits.maxKeywordLength", "77");
    try {
      AsockioConfig config = ConfigLoader.load(vertx, file.toString()).await();
      assertEquals(77, config.limits().maxKeywordLength());
      assertEquals(25000, config.gates().get(0).port());
      Files.writeString(file, "{ not json");
      Throwable e = assertThrows(Throwable.class, () -> ConfigLoader.load(vertx, file.toString()).await());
      assertTrue(e instanceof ConfigException, String.valueOf(e));
      System.setProperty("asockio.limits.maxKeywordLength", "zero");
      Files.writeString(file, minimal().encode());
      Throwable bad = assertThrows(Throwable.class, () -> ConfigLoader.load(vertx, file.toString()).await());
      assertEquals("limits.maxKeywordLength", ((ConfigException) bad).key());
    } finally {
      System.clearProperty("asockio.limits.maxKeywordLength");
      vertx.close().await();
      Files.deleteIfExists(file);
    }
  }

  @Test
  void overridesReachEveryKeyOfEveryLevel() {
    JsonObject json = minimal().put("links", new JsonArray().add(new JsonObject().put("name", "upstream").put("port", 25001)))
        .put("access", new JsonObject().put("named", new JsonObject().put("rules", new JsonArray()
            .add(new JsonObject().put("name", "workers").put("keyword", "worker-*").put("action", "allow")))));
    ConfigLoader.applyOverride(json, "ASOCKIO_CLUSTER_PORT", List.of("CLUSTER", "PORT"), "5801");
    ConfigLoader.applyOverride(json, "ASOCKIO_CLUSTER_MEMBERS", List.of("CLUSTER", "MEMBERS"), "[\"asockio-0.asockio-headless:5701\"]");
    ConfigLoader.applyOverride(json, "ASOCKIO_GATES_TCP_TLS_PKCS12PATH", List.of("GATES", "TCP", "TLS", "PKCS12PATH"), "/etc/s.p12");
    ConfigLoader.applyOverride(json, "ASOCKIO_LINKS_UPSTREAM_RECONNECT_MAXDELAYMS", List.of("LINKS", "UPSTREAM", "RECONNECT",
        "MAXDELAYMS"), "5000");
    ConfigLoader.applyOverride(json, "ASOCKIO_ACCESS_NAMED_RULES_WORKERS_SOURCE", List.of("ACCESS", "NAMED", "RULES", "WORKERS",
        "SOURCE"), "[\"10.0.0.0/8\"]");
    ConfigLoader.applyOverride(json, "ASOCKIO_ACCESS_NAMED_RULES_0_ACTION", List.of("ACCESS", "NAMED", "RULES", "0", "ACTION"),
        "deny");
    AsockioConfig config = AsockioConfig.fromJson(json);
    assertEquals(5801, config.cluster().port());
    assertEquals(List.of("asockio-0.asockio-headless:5701"), config.cluster().members());
    assertEquals("/etc/s.p12", config.gates().get(0).tls().pkcs12Path());
    assertEquals(5000, config.links().get(0).reconnect().maxDelayMs());
    assertEquals("10.0.0.0/8", config.access().named().rules().get(0).sources().get(0).toString());
    assertEquals(io.asockio.security.AccessRules.Action.DENY, config.access().named().rules().get(0).action());
  }

  @Test
  void foreignEnvironmentVariablesAreIgnoredWithAWarningButPropertyTyposStop() {
    List<String> warnings = new java.util.ArrayList<>();
    java.util.Map<String, String> env = new java.util.TreeMap<>(java.util.Map.of(
        "ASOCKIO_PORT", "tcp://10.0.0.7:25000", "ASOCKIO_SERVICE_HOST", "10.0.0.7", "ASOCKIO_PORT_25000_TCP_ADDR", "10.0.0.7",
        "ASOCKIO_HOME", "/opt/asockio", "ASOCKIO_GATES_TCP_PORT", "25002"));
    AsockioConfig config = AsockioConfig.fromJson(ConfigLoader.withOverrides(minimal(), java.util.Map.of(), env, warnings::add));
    assertEquals(25002, config.gates().get(0).port(), "a variable that names a key still applies");
    assertEquals(4, warnings.size(), String.valueOf(warnings));
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("ASOCKIO_SERVICE_HOST: ")), String.valueOf(warnings));
    assertThrows(ConfigException.class, () -> ConfigLoader.withOverrides(minimal(),
        java.util.Map.of("asockio.limits.maxMesageSize", "1"), java.util.Map.of(), warnings::add));
  }

  @Test
  void clusterMembersMayBeHostNamesButNotPortRanges() {
    JsonObject ok = minimal().put("cluster", new JsonObject().put("members", new JsonArray()
        .add("asockio-0.asockio-headless.default.svc:5701").add("10.0.0.2").add("[::1]:5702")));
    assertEquals(3, AsockioConfig.fromJson(ok).cluster().members().size());
    assertKeyError("cluster.members[0]", minimal().put("cluster", new JsonObject().put("members", new JsonArray()
        .add("127.0.0.1:5701-5703"))));
  }

  @Test
  void everyKeyRoundTripsThroughJson() {
    JsonObject full = new JsonObject()
        .put("gates", new JsonArray().add(new JsonObject().put("name", "tcp").put("port", 25000).put("idleTimeoutMs", 5000)
            .put("tls", new JsonObject().put("certPath", "c.pem").put("keyPath", "k.pem").put("clientAuth", "request")
                .put("trustPemPaths", new JsonArray().add("ca.pem")))))
        .put("links", new JsonArray().add(new JsonObject().put("name", "up").put("port", 1).put("keyword", "edge")
            .put("reconnect", new JsonObject().put("jitter", 0.5))))
        .put("clients", new JsonArray().add("a").add(new JsonObject().put("name", "b").put("deliverTo", "app.in")))
        .put("cluster", new JsonObject().put("members", new JsonArray().add("h1:5701")));
    AsockioConfig config = AsockioConfig.fromJson(full);
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
  }

  @Test
  void valuesAreReadInAnyCaseEverywhere() {
    JsonObject json = new JsonObject("{\"gates\": [{\"name\": \"t\", \"transport\": \"TCP\", \"port\": 0, \"mode\": \"Raw\"}],"
        + " \"policies\": {\"unexpected\": \"REFUSE\"}, \"access\": {\"anonymous\": {\"default\": \"Deny\", \"rules\": ["
        + "{\"transport\": \"TLS\", \"certificate\": \"Any\", \"action\": \"ALLOW\"}]}}}");
    AsockioConfig config = AsockioConfig.fromJson(json);
    assertEquals(GateConfig.Mode.RAW, config.gates().get(0).mode());
    assertEquals(Policies.Unexpected.REFUSE, config.policies().unexpected());
    assertEquals(java.util.Set.of("tls"), config.access().anonymous().rules().get(0).transports());
    assertEquals(io.asockio.security.AccessRules.Action.DENY, config.access().anonymous().defaultAction());
  }

  @Test
  void clusterNetworkingKeysForContainersAndFirewalls() {
    JsonObject json = minimal().put("cluster", new JsonObject().put("enabled", true).put("host", "0.0.0.0")
        .put("eventBusHost", "0.0.0.0").put("eventBusPort", 5710).put("publicHost", "asockio-0.asockio-headless")
        .put("publicPort", 5701).put("eventBusPublicPort", 15710));
    ClusterConfig cluster = AsockioConfig.fromJson(json).cluster();
    assertEquals(5710, cluster.eventBusPort());
    assertEquals("asockio-0.asockio-headless", cluster.publicHost());
    assertEquals(15710, cluster.eventBusPublicPort());
    assertTrue(cluster.bindsAnyAddress());
    assertEquals(cluster, AsockioConfig.fromJson(AsockioConfig.fromJson(json).toJson()).cluster());
    assertKeyError("cluster.eventBusPort", minimal().put("cluster", new JsonObject().put("eventBusPort", 70000)));
  }

  @Test
  void theHeldInputBudgetIsHalfTheDirectMemoryUnlessSet() {
    long direct = io.netty.util.internal.PlatformDependent.maxDirectMemory();
    assertEquals(0, Limits.DEFAULTS.maxHeldInputBytes());
    assertEquals(direct / 2, Limits.DEFAULTS.heldInputBudget());
    Limits set = AsockioConfig.fromJson(minimal().put("limits", new JsonObject().put("maxHeldInputBytes", 12345))).limits();
    assertEquals(12345, set.heldInputBudget());
    assertKeyError("limits.maxHeldInputBytes", minimal().put("limits", new JsonObject().put("maxHeldInputBytes", -1)));
  }
}
