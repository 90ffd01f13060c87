package io.asockio.impl.udp;

import io.asockio.testing.LogCapture;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramSocket;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A UDP socket's receive buffer: asked for and given, or a warning that says how much less; on NIO and native epoll. */
class DatagramSocketsTest {

  final InetAddress loopback = InetAddress.getLoopbackAddress();
  Vertx vertx;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** The receive buffer the kernel granted, then the socket closed. */
  static int granted(DatagramChannel channel) {
    try {
      return DatagramSockets.receiveBuffer(channel);
    } finally {
      channel.unsafe().closeForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theReceiveBufferAskedForIsTheSocketsUnlessTheKernelCapsIt(boolean nativeTransport) throws Exception {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(nativeTransport)).build();
    try (LogCapture log = LogCapture.of(DatagramSockets.class)) {
      // Below Linux's smallest default cap (net.core.rmem_max, 212,992): always granted.
      int asked = 100_000;
      assertEquals(asked, granted(DatagramSockets.newSocket(vertx, loopback, false, 1500, asked, "udp gate \"asked\"")));

      int systemDefault;
      try (DatagramSocket plain = new DatagramSocket(0, loopback)) {
        systemDefault = plain.getReceiveBufferSize();
      }
      assertEquals(systemDefault, granted(DatagramSockets.newSocket(vertx, loopback, false, 1500, 0, "udp gate \"default\"")),
          "0 leaves the system's default");
      assertEquals(0, log.messages().size(), log.messages().toString());

      int huge = 1 << 30; // far above any cap a test machine has
      int capped = granted(DatagramSockets.newSocket(vertx, loopback, false, 1500, huge, "udp gate \"greedy\""));
      assertTrue(capped > 0 && capped < huge, "capped: " + capped);
      assertEquals(1, log.messages().size());
      String warning = log.messages().get(0);
      assertEquals("udp gate \"greedy\": the kernel gave its socket a receive buffer of " + capped + " bytes, not the " + huge
          + " of receiveBufferBytes (Linux caps it at net.core.rmem_max)", warning);
    }
  }
}
