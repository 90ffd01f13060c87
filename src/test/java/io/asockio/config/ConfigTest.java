package io.asockio.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    assertEquals(List.of("tcp", "unix"), config.gates().stream().map(GateConfig::name).toList());
    assertEquals(25000, config.gates().get(0).port());
    assertEquals(config, AsockioConfig.fromJson(config.toJson()));
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
}
