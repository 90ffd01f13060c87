package io.asockio.gate;

import io.asockio.api.Asockio;
import io.asockio.api.ClientInfo;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several endpoints at once, Unix socket files, and start-up failures. */
class GatesTest {

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static final String ECHO = EchoProcessor.class.getName();

  @Test
  void tcpV4TcpV6AndUnixGatesFeedOneClientSet() throws Exception {
    Path socket = fixture.tmp.resolve("a.sock");
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("v4", "127.0.0.1", 0).withProcessor(ECHO),
        GateConfig.tcp("v6", "::1", 0).withProcessor(ECHO),
        GateConfig.unix("unix", socket.toString()).withProcessor(ECHO)));
    try (FrameClient v4 = FrameClient.named("127.0.0.1", node.port("v4"), "over-v4");
         FrameClient v6 = FrameClient.named("::1", node.port("v6"), "over-v6");
         FrameClient unix = FrameClient.unix(socket)) {
      unix.handshake("over-unix");
      Map<String, String> gates = node.clients().stream().collect(Collectors.toMap(ClientInfo::name, ClientInfo::gate));
      assertEquals(Map.of("over-v4", "v4", "over-v6", "v6", "over-unix", "unix"), gates);
      assertEquals("unix", node.client("over-unix").transport());
      assertEquals("tcp", node.client("over-v6").transport());
      // Any client is reachable by name, whatever gate it came through.
      node.send("over-unix", Buffer.buffer("to unix")).await();
      node.send("over-v6", Buffer.buffer("to v6")).await();
      assertEquals("to unix", unix.readText());
      assertEquals("to v6", v6.readText());
      v4.sendFrame("echo v4");
      assertEquals("echo v4", v4.readText());
      unix.sendFrame("echo unix");
      assertEquals("echo unix", unix.readText());
    }
  }

  @Test
  void staleUnixSocketFileOfAKilledProcessDoesNotStopTheStart() throws Exception {
    Path socket = fixture.tmp.resolve("stale.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file behind, as a kill -9 would
    }
    assertTrue(Files.exists(socket));
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.unix("unix", socket.toString()).withProcessor(ECHO)));
    try (FrameClient c = FrameClient.unix(socket)) {
      c.handshake("after-stale");
      c.sendFrame("works");
      assertEquals("works", c.readText());
      assertTrue(node.client("after-stale") != null);
    }
  }

  @Test
  void liveUnixSocketOfAnotherProcessIsNotStolen() throws Exception {
    Path socket = fixture.tmp.resolve("live.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(socket));
      Throwable e = assertThrows(Throwable.class,
          () -> fixture.start(AsockioConfig.of(GateConfig.unix("unix", socket.toString()))));
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      assertTrue(cause instanceof ConfigException, String.valueOf(cause));
      assertEquals("gates[0].path", ((ConfigException) cause).key());
      assertTrue(cause.getMessage().contains("another process is listening"), cause.getMessage());
    }
  }

  @Test
  void unixSocketParentFoldersAreCreatedAndTheFileIsRemovedOnStop() throws Exception {
    Path socket = fixture.tmp.resolve("run/sub/s.sock");
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.unix("unix", socket.toString()).withProcessor(ECHO)));
    assertTrue(Files.exists(socket));
    node.stop().await();
    Await.until("socket file removed", () -> !Files.exists(socket));
  }

  @Test
  void unknownProcessorClassIsAConfigErrorNamingTheKey() {
    Throwable e = assertThrows(Throwable.class, () -> fixture.start(AsockioConfig.of(
        GateConfig.tcp("tcp", "127.0.0.1", 0), GateConfig.tcp("second", "127.0.0.1", 0).withProcessor("no.such.Processor"))));
    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
    assertTrue(cause instanceof ConfigException, String.valueOf(cause));
    assertEquals("gates[1].processor", ((ConfigException) cause).key());
  }

  @Test
  void portTakenByAnotherServerFailsTheStartClearly() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Throwable e = assertThrows(Throwable.class, () -> fixture.start(AsockioConfig.of(
          GateConfig.tcp("tcp", "127.0.0.1", taken.getLocalPort()))));
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      assertTrue(cause.getMessage().contains("gate tcp cannot listen on tcp 127.0.0.1:" + taken.getLocalPort()),
          cause.getMessage());
    }
  }
}
