package io.asockio.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A UDP peer for tests, bound to an ephemeral loopback port and connected to one gate:
 * datagrams out, datagrams in with a timeout. The handshake resends the keyword until an
 * answer comes, as the protocol asks of a UDP client.
 */
public final class UdpPeer implements AutoCloseable {

  private final DatagramChannel channel;
  private final java.net.DatagramSocket socket;
  private int repeatedOks; // answers to keywords sent again that may still arrive (dropped, as a link does)

  public UdpPeer(String host, int port) throws IOException {
    boolean v6 = host.contains(":");
    channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    channel.bind(new InetSocketAddress(host, 0));
    channel.connect(new InetSocketAddress(host, port));
    socket = channel.socket();
  }

  /** A peer that handshook as {@code name} (OK received). */
  public static UdpPeer named(String host, int port, String name) throws IOException {
    UdpPeer peer = new UdpPeer(host, port);
    String answer = peer.handshake(name);
    if (!"OK".equals(answer)) {
      peer.close();
      throw new AssertionError("handshake of " + name + " answered " + answer);
    }
    return peer;
  }

  /**
   * Sends {@code keyword} every 200 ms until an answer comes (at most 20 s); returns the answer.
   * The server answers every copy: later {@code OK}s are dropped by {@link #receive} (PROTOCOL.md §7).
   */
  public String handshake(String keyword) throws IOException {
    long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
    int sent = 0;
    while (System.nanoTime() < deadline) {
      send(keyword);
      sent++;
      byte[] answer = receive(Duration.ofMillis(200));
      if (answer != null) {
        String text = new String(answer, StandardCharsets.UTF_8);
        repeatedOks = "OK".equals(text) ? sent - 1 : 0;
        return text;
      }
    }
    throw new AssertionError("no answer to keyword " + keyword);
  }

  public void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  public void send(byte[] datagram) throws IOException {
    channel.write(ByteBuffer.wrap(datagram));
  }

  /** The next datagram (answers to repeated keywords skipped), or null when none came within {@code timeout}. */
  public byte[] receive(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    byte[] buffer = new byte[70_000];
    java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
    while (true) {
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException none) {
        return null;
      }
      byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
      if (repeatedOks > 0 && Arrays.equals(datagram, OK)) {
        repeatedOks--;
        continue;
      }
      return datagram;
    }
  }

  private static final byte[] OK = {'O', 'K'};

  /** The next datagram as text; fails when none came within the default wait. */
  public String receiveText() throws IOException {
    byte[] datagram = receive(Await.DEFAULT);
    if (datagram == null) {
      throw new AssertionError("no datagram within " + Await.DEFAULT.toMillis() + " ms");
    }
    return new String(datagram, StandardCharsets.UTF_8);
  }

  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
