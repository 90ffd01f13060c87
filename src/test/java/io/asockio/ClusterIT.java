package io.asockio;

import io.asockio.api.Asockio;
import io.asockio.api.BusAddresses;
import io.asockio.api.ClientDirectory;
import io.asockio.api.SendException;
import io.asockio.impl.node.Clustering;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ClusterConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.ChildJvm;
import io.asockio.testing.EchoLoad;
import io.asockio.testing.FrameClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several real JVMs in one Vert.x cluster (Hazelcast on 127.0.0.1 only): sending by name
 * across nodes, events everywhere, two processes sharing a port, and a node killed with -9
 * whose clients the survivors remove.
 */
class ClusterIT {

  static final Duration START = Duration.ofSeconds(90);

  static ClusterConfig cluster(String name) {
    return ClusterConfig.DEFAULTS.enabled(name).withMemberTimeoutSeconds(5);
  }

  static Path childConfig(String clusterName, GateConfig gate) throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "cl");
    JsonObject config = new JsonObject().put("gates", new JsonArray().add(gate.toJson()))
        .put("cluster", new JsonObject().put("enabled", true).put("name", clusterName).put("memberTimeoutSeconds", 5));
    Files.writeString(work.resolve("node.json"), config.encode());
    return work;
  }

  static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }

  /**
   * Hazelcast completes its async calls' callbacks on the common ForkJoinPool, which has one
   * thread on machines of up to two CPUs; there Hazelcast starts a thread per callback instead.
   * A directory write or read is such a call: a burst of connections must not cost a thread each.
   */
  @Test
  void directoryWritesAndReadsDoNotStartAThreadEach() throws Exception {
    Vertx vertx = Clustering.vertx(AsockioConfig.of().withCluster(cluster("threads-" + UUID.randomUUID()))).await();
    try {
      ClientDirectory directory = ClientDirectory.of(vertx);
      directory.size().await(); // the map is there and Hazelcast's own threads have started
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      long before = threads.getTotalStartedThreadCount();
      int n = 500;
      List<io.vertx.core.Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "t" + i;
        done.add(directory.publish(new JsonObject().put("name", name).put("node", "test"))
            .compose(written -> directory.lookup(name)));
      }
      io.vertx.core.Future.all(done).await();
      assertEquals(n, directory.size().await());
      long started = threads.getTotalStartedThreadCount() - before;
      assertTrue(started < 50, started + " threads started for " + n + " directory writes and reads");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void sendByNameAcrossNodesEventsEverywhereAndAKilledNodeIsSwept() throws Exception {
    String name = "asockio-it-" + UUID.randomUUID();
    int port = freePort();
    GateConfig gate = GateConfig.tcp("tcp", "127.0.0.1", port).withProcessor(EchoProcessor.class.getName());
    Path work = childConfig(name, gate);
    try (ChildJvm other = ChildJvm.startJar(work, Map.of(), work.resolve("node.json").toString())) {
      String otherNode = other.awaitLine("asockio: ready \\(\\w+, cluster \\S+, node (\\S+)\\)", START).group(1);
      Vertx vertx = Clustering.vertx(AsockioConfig.of().withCluster(cluster(name))).await();
      try {
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body())).completion().await();
        Asockio here = Asockio.start(vertx, AsockioConfig.of(
            GateConfig.tcp("tcp", "127.0.0.1", 0).withProcessor(EchoProcessor.class.getName()),
            GateConfig.tcp("quiet", "127.0.0.1", 0).withProcessor(EchoProcessor.class.getName()).withAnnounce(false))
            .withCluster(cluster(name))).await();
        assertTrue(!here.nodeId().equals(otherNode));

        FrameClient alice = FrameClient.named("127.0.0.1", port, "alice");
        JsonObject record = Await.value("alice in the cluster-wide directory", () -> here.directory().lookup("alice").await());
        assertEquals(otherNode, record.getString("node"));
        Await.until("the connected event reached this node",
            () -> events.stream().anyMatch(e -> e.getString("type").equals("connected") && "alice".equals(e.getString("name"))));

        // From this node to a client of the other one, by name, in order.
        for (int i = 0; i < 100; i++) {
          vertx.eventBus().request(BusAddresses.SEND, "across " + i, new DeliveryOptions().addHeader("to", "alice")).await();
        }
        for (int i = 0; i < 100; i++) {
          assertEquals("across " + i, alice.readText());
        }
        vertx.eventBus().request(BusAddresses.client("alice"), "direct").await();
        assertEquals("direct", alice.readText());
        // The direct API by name reaches her there too; a name nobody has fails as it would alone.
        for (int i = 0; i < 20; i++) {
          here.send("alice", Buffer.buffer("by the API " + i)).await();
        }
        for (int i = 0; i < 20; i++) {
          assertEquals("by the API " + i, alice.readText());
        }
        SendException unknown = assertThrows(SendException.class, () -> here.send("nobody-" + name, Buffer.buffer("x")).await());
        assertEquals(SendException.Reason.UNKNOWN_CLIENT, unknown.reason());

        // A name that connects on another node takes over the connection here (takeover: replace), unless that one came
        // through a gate that does not announce its clients: such a name is this node's alone, both ways.
        try (FrameClient carol = FrameClient.named("127.0.0.1", port, "carol");
             FrameClient quietCarol = FrameClient.named("127.0.0.1", here.port("quiet"), "carol");
             FrameClient bob = FrameClient.named("127.0.0.1", here.port("tcp"), "bob")) {
          Await.until("carol's record from the other node", () -> here.directory().lookup("carol").await() != null);
          vertx.eventBus().request(BusAddresses.client("carol"), "to the other node's carol").await();
          assertEquals("to the other node's carol", carol.readText(), "the quiet carol here took nothing over");
          Await.until("bob's record from this node", () -> {
            JsonObject r = here.directory().lookup("bob").await();
            return r != null && here.nodeId().equals(r.getString("node"));
          });
          try (FrameClient carolAgain = FrameClient.named("127.0.0.1", port, "carol")) {
            assertTrue(carol.awaitClosed(), "replaced on its own node");
            Await.until("the other node's second connected event for carol", () -> events.stream()
                .filter(e -> e.getString("type").equals("connected") && "carol".equals(e.getString("name"))).count() >= 2);
            // This node hears the other's events in order: once bob's is acted on, carol's was too.
            try (FrameClient bobThere = FrameClient.named("127.0.0.1", port, "bob")) {
              assertTrue(bob.awaitClosed(), "bob here taken over by bob on the other node");
              Await.until("bob's record moved to the other node", () -> {
                JsonObject r = here.directory().lookup("bob").await();
                return r != null && otherNode.equals(r.getString("node"));
              });
              quietCarol.sendFrame("still here");
              assertEquals("still here", quietCarol.readText(), "the quiet carol here was not taken over");
            }
          }
        }

        // kill -9: no goodbye. The survivor removes its records and says so.
        other.process().destroyForcibly();
        alice.awaitClosed();
        Await.until("the dead node's client swept", () -> here.directory().lookup("alice").await() == null, Duration.ofSeconds(60));
        Await.until("a disconnected event for it", () -> events.stream().anyMatch(e -> e.getString("type").equals("disconnected")
            && "alice".equals(e.getString("name")) && "node left the cluster".equals(e.getString("cause"))));
        alice.close();
        here.stop().await();
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  void twoProcessesShareOnePortInOneClusterAndEveryClientIsReachable() throws Exception {
    String name = "asockio-it-" + UUID.randomUUID();
    int port = freePort();
    GateConfig gate = GateConfig.tcp("tcp", "127.0.0.1", port).withReusePort(true).withProcessor(EchoProcessor.class.getName());
    Path workA = childConfig(name, gate);
    Path workB = childConfig(name, gate);
    try (ChildJvm a = ChildJvm.startJar(workA, Map.of(), workA.resolve("node.json").toString());
         ChildJvm b = ChildJvm.startJar(workB, Map.of(), workB.resolve("node.json").toString())) {
      a.awaitLine("asockio: ready \\(epoll, cluster", START);
      b.awaitLine("asockio: ready \\(epoll, cluster", START);
      Vertx vertx = Clustering.vertx(AsockioConfig.of().withCluster(cluster(name))).await();
      List<FrameClient> clients = new ArrayList<>();
      try {
        Asockio here = Asockio.start(vertx, AsockioConfig.of().withCluster(cluster(name))).await();
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < 60 && (nodes.size() < 2 || i < 10); i++) {
          String client = "c" + i;
          clients.add(FrameClient.named("127.0.0.1", port, client));
          JsonObject record = Await.value("record of " + client, () -> here.directory().lookup(client).await());
          nodes.add(record.getString("node"));
          // Whichever process accepted it, a message by name reaches it.
          vertx.eventBus().request(BusAddresses.SEND, "hello " + client, new DeliveryOptions().addHeader("to", client)).await();
          assertEquals("hello " + client, clients.get(i).readText());
        }
        assertEquals(2, nodes.size(), "both processes accepted clients on the shared port");
        here.stop().await();
      } finally {
        for (FrameClient c : clients) {
          c.close();
        }
        vertx.close().await();
      }
    }
  }

  @Test
  void aNodeKilledUnderLoadLeavesTheSurvivorsClientsUntouchedAndItsRecordsAreSwept() throws Exception {
    String name = "asockio-it-" + UUID.randomUUID();
    int doomedPort = freePort();
    Path work = childConfig(name, GateConfig.tcp("tcp", "127.0.0.1", doomedPort).withProcessor(EchoProcessor.class.getName()));
    try (ChildJvm doomed = ChildJvm.startJar(work, Map.of(), work.resolve("node.json").toString())) {
      doomed.awaitLine("asockio: ready", START);
      Vertx vertx = Clustering.vertx(AsockioConfig.of().withCluster(cluster(name))).await();
      List<FrameClient> clients = new ArrayList<>();
      try {
        Asockio here = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0)
            .withProcessor(EchoProcessor.class.getName())).withCluster(cluster(name))).await();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          boolean onDoomed = i % 2 == 0;
          String client = (onDoomed ? "doomed-" : "kept-") + i;
          names.add(client);
          clients.add(FrameClient.named("127.0.0.1", onDoomed ? doomedPort : here.port("tcp"), client));
        }
        for (String client : names) {
          Await.value("record of " + client, () -> here.directory().lookup(client).await());
        }
        try (EchoLoad load = new EchoLoad(names, clients, 16 * 1024, 1_000_000)) {
          Await.until("load runs", () -> load.total() >= 1_000);
          doomed.process().destroyForcibly(); // kill -9 under load
          doomed.process().waitFor();
          long atKill = load.total();
          Await.until("the survivor's clients go on", () -> load.total() >= atKill + 2_000);
          for (String client : names) {
            if (client.startsWith("doomed-")) {
              Await.until(client + " swept", () -> here.directory().lookup(client).await() == null, Duration.ofSeconds(60));
            }
          }
          load.close();
          System.out.printf("kill -9 of a cluster node: %d round trips before, %d after; its 10 records swept%n", atKill,
              load.total() - atKill);
          for (EchoLoad.Peer peer : load.peers()) {
            if (peer.name.startsWith("kept-")) {
              assertTrue(peer.failure() == null, peer.name + ": " + peer.failure());
              // Its record may have been in a partition that died with the other member: written again.
              Await.until(peer.name + " is in the directory", () -> here.directory().lookup(peer.name).await() != null,
                  Duration.ofSeconds(60));
            } else {
              assertTrue(peer.failure() != null, peer.name + " lost its node");
            }
          }
        }
        here.stop().await();
      } finally {
        for (FrameClient c : clients) {
          c.close();
        }
        vertx.close().await();
      }
    }
  }

  @Test
  void aRecordLostWithAMembersPartitionsIsWrittenAgainWhenTheMemberLeaves() throws Exception {
    String name = "asockio-it-" + UUID.randomUUID();
    Vertx survivor = Clustering.vertx(AsockioConfig.of().withCluster(cluster(name))).await();
    Vertx leaving = Clustering.vertx(AsockioConfig.of().withCluster(cluster(name))).await();
    FrameClient client = null;
    try {
      Asockio node = Asockio.start(survivor, AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0))
          .withCluster(cluster(name))).await();
      client = FrameClient.named("127.0.0.1", node.port("tcp"), "stays");
      JsonObject record = Await.value("record of stays", () -> node.directory().lookup("stays").await());
      // What a member killed before Hazelcast copied its partitions leaves behind: the entry is gone.
      assertTrue(ClientDirectory.of(leaving).withdraw(record).await());
      assertNull(node.directory().lookup("stays").await());
      leaving.close().await();
      Await.until("the record written again", () -> record.equals(node.directory().lookup("stays").await()),
          Duration.ofSeconds(60));
      node.send("stays", Buffer.buffer("still here")).await();
      assertEquals("still here", client.readText(), "the client is still connected and reached by name");
      node.stop().await();
    } finally {
      if (client != null) {
        client.close();
      }
      survivor.close().await();
    }
  }
}
