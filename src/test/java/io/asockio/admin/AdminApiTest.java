package io.asockio.admin;

import io.asockio.api.Asockio;
import io.asockio.api.BusAddresses;
import io.asockio.config.AdminConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route of the admin API, its token, the bus address and readiness during a stop. */
class AdminApiTest {

  static final String HOST = "127.0.0.1";
  static final String TOKEN = "s3cr3t-t0ken-for-tests-0123456789";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Reply get(Asockio node, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + node.adminPort() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  static Reply post(Asockio node, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + node.adminPort() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  Asockio node(AdminConfig admin) {
    return fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()))
        .withAdmin(admin).withLimits(Limits.DEFAULTS.withShutdownGraceMs(3000)));
  }

  static double metric(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(scrape);
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError(name + "{" + labels + "} not in the scrape:\n" + scrape);
  }

  @Test
  void healthNodeAndMetricsThatMoveWithTraffic() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0));
    assertTrue(node.adminPort() > 0);
    Reply health = get(node, "/health", null);
    assertEquals(200, health.status(), health.body());
    assertEquals("UP", health.json().getString("status"));
    Reply ready = get(node, "/ready", null);
    assertEquals(200, ready.status(), ready.body());

    JsonObject info = get(node, "/node", null).json();
    assertEquals(node.nodeId(), info.getString("node"));
    JsonObject gate = info.getJsonArray("gates").getJsonObject(0);
    assertEquals("tcp", gate.getString("name"));
    assertEquals(node.port("tcp"), gate.getInteger("port"));
    assertEquals("tcp 127.0.0.1:" + node.port("tcp"), gate.getString("address"));
    assertTrue(info.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), info.getString("version"));
    assertEquals(Limits.DEFAULTS.withShutdownGraceMs(3000).toJson(), info.getJsonObject("limits"));

    String before = get(node, "/metrics", null).body();
    assertEquals(0.0, metric(before, "asockio_connections_open", "gate=\"tcp\""));
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "alice")) {
      for (int i = 0; i < 10; i++) {
        c.sendFrame("hello " + i);
        assertEquals("hello " + i, c.readText());
      }
      String during = get(node, "/metrics", null).body();
      assertEquals(1.0, metric(during, "asockio_connections_open", "gate=\"tcp\""));
      assertEquals(10.0, metric(during, "asockio_messages_received_total", "gate=\"tcp\""));
      assertEquals(10.0, metric(during, "asockio_messages_sent_total", "gate=\"tcp\""));
      assertEquals(70.0, metric(during, "asockio_received_bytes_total", "gate=\"tcp\""));
      assertEquals(1.0, metric(during, "asockio_connections_accepted_total", "kind=\"unexpected\""));
      assertEquals(1.0, metric(during, "asockio_clients", "kind=\"unexpected\""));
      assertTrue(metric(during, "asockio_handshake_seconds_count", "gate=\"tcp\"") >= 1);
    }
    try (FrameClient refused = FrameClient.tcp(HOST, node.port("tcp"))) {
      refused.sendFrame("");
      assertEquals("ERR empty keyword", refused.readText());
    }
    Await.until("closed and refused counted", () -> {
      try {
        String after = get(node, "/metrics", null).body();
        return metric(after, "asockio_connections_closed_total", "reason=\"closed by peer\"") == 1.0
            && metric(after, "asockio_connections_refused_total", "reason=\"empty keyword\"") == 1.0
            && metric(after, "asockio_connections_open", "gate=\"tcp\"") == 0.0
            // totals survive the connection
            && metric(after, "asockio_messages_received_total", "gate=\"tcp\"") == 10.0;
      } catch (Exception e) {
        return false;
      }
    });
    Reply stats = get(node, "/stats", null);
    assertEquals(10, stats.json().getJsonObject("gates").getJsonObject("tcp").getLong("messagesReceived"));
  }

  @Test
  void clientsFilterPageLookUpAndDisconnect() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0));
    List<FrameClient> clients = new ArrayList<>();
    try {
      for (String name : List.of("worker-1", "worker-2", "worker-3", "manager")) {
        clients.add(FrameClient.named(HOST, node.port("tcp"), name));
      }
      Await.until("all four listed", () -> {
        try {
          return get(node, "/clients", null).json().getInteger("total") == 4;
        } catch (Exception e) {
          return false;
        }
      });
      JsonObject workers = get(node, "/clients?name=worker-*&limit=2", null).json();
      assertEquals(3, workers.getInteger("total"));
      assertEquals(List.of("worker-1", "worker-2"), names(workers.getJsonArray("clients")));
      assertEquals("worker-2", workers.getString("next"));
      JsonObject rest = get(node, "/clients?name=worker-*&limit=2&after=worker-2", null).json();
      assertEquals(List.of("worker-3"), names(rest.getJsonArray("clients")));
      assertEquals(null, rest.getString("next"));
      assertEquals(4, get(node, "/clients?gate=tcp&kind=unexpected", null).json().getInteger("total"));
      assertEquals(0, get(node, "/clients?gate=other", null).json().getInteger("total"));

      Reply badKind = get(node, "/clients?kind=martian", null);
      assertEquals(400, badKind.status());
      assertTrue(badKind.json().getString("error").contains("kind must be one of"), badKind.body());
      Reply badLimit = get(node, "/clients?limit=0", null);
      assertEquals(400, badLimit.status());
      assertTrue(badLimit.json().getString("error").startsWith("limit must be"), badLimit.body());

      clients.get(0).sendFrame("traffic");
      assertEquals("traffic", clients.get(0).readText());
      JsonObject one = get(node, "/clients/worker-1", null).json();
      assertEquals("worker-1", one.getString("name"));
      assertEquals(node.nodeId(), one.getString("node"));
      assertEquals(1L, one.getLong("messagesReceived"));
      Reply unknown = get(node, "/clients/nobody", null);
      assertEquals(404, unknown.status());
      assertEquals("no connected client named \"nobody\"", unknown.json().getString("error"));

      Reply disconnected = post(node, "/clients/manager/disconnect", "{\"reason\": \"maintenance\"}", null);
      assertEquals(200, disconnected.status(), disconnected.body());
      assertTrue(clients.get(3).awaitClosed(), "the manager's connection is closed");
      assertEquals(404, post(node, "/clients/nobody/disconnect", "", null).status());
      Reply badReason = post(node, "/clients/worker-1/disconnect", "{\"reason\": 5}", null);
      assertEquals(400, badReason.status());
      Reply notJson = post(node, "/clients/worker-1/disconnect", "{oops", null);
      assertEquals(400, notJson.status());
      assertTrue(notJson.json().getString("error").startsWith("the body is not a JSON object"), notJson.body());
      assertEquals(404, get(node, "/no/such/route", null).status());
    } finally {
      for (FrameClient c : clients) {
        c.close();
      }
    }
  }

  static List<String> names(JsonArray records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(((JsonObject) r).getString("name")));
    return out;
  }

  @Test
  void accessReloadIsValidatedWhole() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0));
    Reply bad = post(node, "/access/reload", "{\"named\": {\"rules\": [{\"keyword\": \"x\", \"action\": \"maybe\"}]}}", null);
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.json().getString("error").startsWith("access.named.rules[0].action"), bad.body());
    assertTrue(node.accessRules().named().rules().isEmpty(), "nothing changed");
    Reply unknownGate = post(node, "/access/reload", "{\"named\": {\"rules\": [{\"gate\": \"nope\", \"action\": \"deny\"}]}}", null);
    assertEquals(400, unknownGate.status());
    Reply good = post(node, "/access/reload",
        "{\"access\": {\"named\": {\"rules\": [{\"keyword\": \"bot-*\", \"action\": \"deny\", \"reason\": \"no bots\"}]}}}", null);
    assertEquals(200, good.status(), good.body());
    assertEquals(1, good.json().getInteger("namedRules"));
    try (FrameClient bot = FrameClient.tcp(HOST, node.port("tcp"))) {
      bot.sendFrame("bot-7");
      assertEquals("ERR no bots", bot.readText());
    }
    String scrape = get(node, "/metrics", null).body();
    assertEquals(1.0, metric(scrape, "asockio_access_reloads_total", "result=\"accepted\""));
    assertEquals(2.0, metric(scrape, "asockio_access_reloads_total", "result=\"rejected\""));
    assertEquals(400, post(node, "/access/reload", "", null).status());
  }

  @Test
  void aTokenIsRequiredWhenSetAndThePageIsServedWithoutData() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0).withToken(TOKEN));
    Reply none = get(node, "/node", null);
    assertEquals(401, none.status());
    assertTrue(none.json().getString("error").contains("Authorization: Bearer"), none.body());
    Reply wrong = get(node, "/node", TOKEN + "x");
    assertEquals(401, wrong.status());
    assertEquals("wrong token", wrong.json().getString("error"));
    assertFalse(wrong.body().contains(TOKEN), "the token is never echoed");
    assertEquals(401, get(node, "/metrics", "").status());
    assertEquals(401, post(node, "/clients/x/disconnect", "{}", null).status());
    assertEquals(200, get(node, "/node", TOKEN).status());
    Reply page = get(node, "/", null);
    assertEquals(200, page.status());
    assertTrue(page.body().contains("<title>asockio node</title>"));
  }

  @Test
  void anAdminApiOffLoopbackWithoutATokenIsAConfigError() {
    JsonObject json = new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "tcp").put("port", 0)))
        .put("admin", new JsonObject().put("enabled", true).put("host", "0.0.0.0"));
    ConfigException e = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(json));
    assertTrue(e.getMessage().startsWith("admin.token: required when admin.host (0.0.0.0)"), e.getMessage());
    json.getJsonObject("admin").put("token", "short");
    ConfigException shortToken = assertThrows(ConfigException.class, () -> AsockioConfig.fromJson(json));
    assertFalse(shortToken.getMessage().contains("short"), "the value is not shown: " + shortToken.getMessage());
    json.getJsonObject("admin").put("token", TOKEN);
    AsockioConfig ok = AsockioConfig.fromJson(json);
    assertFalse(ok.admin().toString().contains(TOKEN));
    assertTrue(AdminConfig.isLoopback("127.0.0.1") && AdminConfig.isLoopback("::1") && AdminConfig.isLoopback("[::1]")
        && AdminConfig.isLoopback("localhost") && AdminConfig.isLoopback("127.1.2.3"));
    assertFalse(AdminConfig.isLoopback("0.0.0.0") || AdminConfig.isLoopback("10.0.0.1") || AdminConfig.isLoopback("example.org"));
  }

  @Test
  void theSameOperationsAnswerOnTheEventBus() throws Exception {
    Asockio node = node(AdminConfig.DEFAULTS); // the bus answers even with the HTTP API off
    assertEquals(-1, node.adminPort());
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "bus-listed")) {
      Await.until("listed", () -> fixture.vertx.eventBus().<JsonObject>request(BusAddresses.ADMIN,
          new JsonObject().put("op", "clients")).await().body().getInteger("total") == 1);
      JsonObject info = fixture.vertx.eventBus().<JsonObject>request(BusAddresses.admin(node.nodeId()),
          new JsonObject().put("op", "node")).await().body();
      assertEquals(node.nodeId(), info.getString("node"));
      ReplyException bad = assertThrows(ReplyException.class, () -> fixture.vertx.eventBus().request(BusAddresses.ADMIN,
          new JsonObject().put("op", "explode")).await());
      assertEquals(400, bad.failureCode());
      ReplyException missing = assertThrows(ReplyException.class, () -> fixture.vertx.eventBus().request(BusAddresses.ADMIN,
          new JsonObject().put("op", "client").put("name", "ghost")).await());
      assertEquals(404, missing.failureCode());
      fixture.vertx.eventBus().request(BusAddresses.ADMIN, new JsonObject().put("op", "disconnect").put("name", "bus-listed"))
          .await();
      assertTrue(c.awaitClosed());
    }
  }

  @Test
  void twoNodesListEachOthersClientsAndDisconnectThemWhereTheyAre() throws Exception {
    Asockio first = node(AdminConfig.on(HOST, 0));
    // A second node on the same Vert.x: one directory, one bus, as two cluster members share them.
    Asockio second = Asockio.start(fixture.vertx, AsockioConfig.of(GateConfig.tcp("tcp2", HOST, 0)
        .withProcessor(EchoProcessor.class.getName()))).await();
    try (FrameClient here = FrameClient.named(HOST, first.port("tcp"), "on-first");
         FrameClient there = FrameClient.named(HOST, second.port("tcp2"), "on-second")) {
      Await.until("both listed", () -> {
        try {
          return get(first, "/clients", null).json().getInteger("total") == 2;
        } catch (Exception e) {
          return false;
        }
      });
      JsonObject remote = get(first, "/clients/on-second", null).json();
      assertEquals(second.nodeId(), remote.getString("node"));
      Reply disconnected = post(first, "/clients/on-second/disconnect", "{}", null);
      assertEquals(200, disconnected.status(), disconnected.body());
      assertEquals(second.nodeId(), disconnected.json().getString("node"));
      assertTrue(there.awaitClosed(), "closed by the node that holds it");
      here.sendFrame("still here");
      assertEquals("still here", here.readText());
    } finally {
      second.stop().await();
    }
  }

  @Test
  void readinessTurnsFalseWhileTheNodeStops() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0));
    try (FrameClient lingering = FrameClient.named(HOST, node.port("tcp"), "lingering")) {
      assertEquals(200, get(node, "/ready", null).status());
      // The client keeps its connection: the stop waits for it (up to the grace time) with the admin API still up.
      Future<Void> stopped = node.stop();
      Await.until("not ready while stopping", () -> {
        try {
          Reply ready = get(node, "/ready", null);
          return ready.status() == 503 && ready.body().contains("the node is stopping");
        } catch (Exception e) {
          return false;
        }
      });
      assertEquals(200, get(node, "/health", null).status(), "alive all the same");
      lingering.close();
      stopped.await();
    }
  }

  record Cli(int exit, String out, String err) {
  }

  static Cli cli(String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit = io.asockio.cli.AdminCommand.run(List.of(args), new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    return new Cli(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void theCliVerbs() throws Exception {
    Asockio node = node(AdminConfig.on(HOST, 0).withToken(TOKEN));
    String url = "http://" + HOST + ":" + node.adminPort();
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "cli-target")) {
      Cli info = cli("node", "--url", url, "--token", TOKEN);
      assertEquals(0, info.exit(), info.err());
      assertEquals(node.nodeId(), new JsonObject(info.out()).getString("node"));
      Await.until("listed", () -> new JsonObject(cli("clients", "--url", url, "--token", TOKEN, "--name", "cli-*").out())
          .getInteger("total") == 1);
      Cli one = cli("client", "cli-target", "--url", url, "--token", TOKEN);
      assertEquals("cli-target", new JsonObject(one.out()).getString("name"));
      Cli noToken = cli("node", "--url", url);
      assertEquals(io.asockio.cli.AdminCommand.EXIT_REFUSED, noToken.exit());
      assertTrue(noToken.err().contains("401"), noToken.err());
      Cli gone = cli("disconnect", "nobody", "--url", url, "--token", TOKEN);
      assertEquals(io.asockio.cli.AdminCommand.EXIT_REFUSED, gone.exit());
      assertTrue(gone.err().contains("no connected client named \"nobody\""), gone.err());
      java.nio.file.Path rules = fixture.tmp.resolve("rules.json");
      java.nio.file.Files.writeString(rules, "{\"access\": {\"named\": {\"rules\": [{\"keyword\": \"x\", \"action\": \"deny\"}]}}}");
      Cli reload = cli("reload", rules.toString(), "--url", url, "--token", TOKEN);
      assertEquals(0, reload.exit(), reload.err());
      assertEquals(1, node.accessRules().named().rules().size());
      Cli kick = cli("disconnect", "cli-target", "--reason", "bye", "--url", url, "--token", TOKEN);
      assertEquals(0, kick.exit(), kick.err());
      assertTrue(c.awaitClosed());
    }
    assertEquals(io.asockio.cli.AdminCommand.EXIT_USAGE, cli("explode", "--url", url).exit());
    assertEquals(io.asockio.cli.AdminCommand.EXIT_USAGE, cli("client", "--url", url).exit());
    assertEquals(io.asockio.cli.AdminCommand.EXIT_USAGE, cli("node", "--url", "ftp://x").exit());
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      closedPort = probe.getLocalPort();
    }
    assertEquals(io.asockio.cli.AdminCommand.EXIT_UNREACHABLE, cli("node", "--url", "http://127.0.0.1:" + closedPort).exit());
  }
}
