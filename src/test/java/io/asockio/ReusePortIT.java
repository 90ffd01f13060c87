package io.asockio;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.ChildJvm;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two processes share one TCP port, or one UDP port, with SO_REUSEPORT (native epoll) and both serve clients. */
class ReusePortIT {

  @Test
  void aSecondJvmBindsTheSamePortAndBothServe() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    GateConfig gate = GateConfig.tcp("tcp", "127.0.0.1", port).withReusePort(true)
        .withProcessor(EchoProcessor.class.getName());
    Path work = Files.createTempDirectory(Path.of("/tmp"), "rp");
    Path conf = work.resolve("reuse.json");
    Files.writeString(conf, new JsonObject().put("gates", new io.vertx.core.json.JsonArray().add(gate.toJson())).encode());

    try (ChildJvm other = ChildJvm.startJar(work, Map.of(), conf.toString()); NodeFixture fixture = new NodeFixture()) {
      other.awaitLine("asockio: ready \\(epoll\\)", Duration.ofSeconds(60));
      assertTrue(fixture.vertx.isNativeTransportEnabled(), "native epoll is on the test classpath");
      Asockio here = fixture.start(AsockioConfig.of(gate));

      int servedHere = 0;
      int total = 0;
      List<FrameClient> open = new ArrayList<>();
      try {
        // The kernel spreads connections by a hash of the 4-tuple: both processes get some soon.
        while (total < 400 && (servedHere == 0 || servedHere == total)) {
          String name = "c" + total;
          FrameClient c = FrameClient.named("127.0.0.1", port, name);
          open.add(c);
          c.sendFrame("ping " + name);
          assertEquals("ping " + name, c.readText(), "every client is served, whichever process accepted it");
          total++;
          if (here.client(name) != null) {
            servedHere++;
          }
        }
      } finally {
        for (FrameClient c : open) {
          c.close();
        }
      }
      assertTrue(servedHere > 0 && servedHere < total,
          "both processes served: " + servedHere + " here, " + (total - servedHere) + " in the other JVM");
    }
  }

  @Test
  void twoJvmsShareAUdpPortAndBothServeTheirPeers() throws Exception {
    int port;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    GateConfig gate = GateConfig.udp("udp", "127.0.0.1", port).withReusePort(true).withProcessor(EchoProcessor.class.getName());
    Path work = Files.createTempDirectory(Path.of("/tmp"), "rpu");
    Path conf = work.resolve("reuse-udp.json");
    Files.writeString(conf, new JsonObject().put("gates", new io.vertx.core.json.JsonArray().add(gate.toJson())).encode());

    try (ChildJvm other = ChildJvm.startJar(work, Map.of(), conf.toString()); NodeFixture fixture = new NodeFixture()) {
      other.awaitLine("asockio: ready \\(epoll\\)", Duration.ofSeconds(60));
      Asockio here = fixture.start(AsockioConfig.of(gate));
      int servedHere = 0;
      int total = 0;
      List<io.asockio.testing.UdpPeer> open = new ArrayList<>();
      try {
        // The kernel picks a socket by a hash of the source address and port: both processes get peers soon.
        while (total < 400 && (servedHere == 0 || servedHere == total)) {
          String name = "u" + total;
          io.asockio.testing.UdpPeer peer = io.asockio.testing.UdpPeer.named("127.0.0.1", port, name);
          open.add(peer);
          peer.send("ping " + name);
          assertEquals("ping " + name, peer.receiveText(), "every peer is served, whichever process its datagrams reach");
          total++;
          if (here.client(name) != null) {
            servedHere++;
          }
        }
      } finally {
        for (io.asockio.testing.UdpPeer peer : open) {
          peer.close();
        }
      }
      assertTrue(servedHere > 0 && servedHere < total,
          "both processes served: " + servedHere + " here, " + (total - servedHere) + " in the other JVM");
    }
  }
}
