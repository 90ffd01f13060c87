package io.asockio.impl.udp;

import io.asockio.impl.core.Counters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDP peer's channel on a real loopback socket: the pipeline's framed byte stream cut into
 * datagrams wherever its buffers split, a stalled socket leaving the datagrams in the peer's
 * own buffer (counted against its limits, its writability falling), and the cap on the first
 * answer.
 */
class DatagramPeerChannelTest {

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final AtomicBoolean socketTakes = new AtomicBoolean(true);
  final Counters counters = new Counters();
  DatagramSocket receiver;
  NioDatagramChannel socket;
  DatagramSocketHandler handler;
  DatagramPeerChannel peer;

  @BeforeEach
  void open() throws Exception {
    receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    receiver.setSoTimeout(20_000);
    socket = new NioDatagramChannel();
    handler = new DatagramSocketHandler(socket, true, 65_507, 1024, 0, counters, null, socketTakes::get);
    socket.pipeline().addLast(handler);
    group.next().register(socket).sync();
    socket.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
    InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
    socket.connect(to).sync();
    peer = onLoop(() -> handler.dial(to));
  }

  @AfterEach
  void close() {
    socket.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    receiver.close();
  }

  <T> T onLoop(Callable<T> work) throws Exception {
    return socket.eventLoop().submit(work).get();
  }

  static byte[] frames(String... payloads) {
    ByteBuf all = Unpooled.buffer();
    for (String p : payloads) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      all.writeLongLE(bytes.length).writeBytes(bytes);
    }
    byte[] out = new byte[all.readableBytes()];
    all.readBytes(out);
    return out;
  }

  String receive() throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[70_000], 70_000);
    receiver.receive(packet);
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void framesAreCutIntoDatagramsWhereverTheWritesSplitThem() throws Exception {
    byte[] stream = frames("abc", "hello", "x".repeat(3000), "z");
    int[] cuts = {1, 3, 4, 2, 9, 6, 1500, 1, stream.length}; // inside headers, across payloads, several frames at once
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(stream.length, from + cut);
      ByteBuf piece = Unpooled.wrappedBuffer(stream, from, to - from);
      onLoop(() -> peer.writeAndFlush(piece));
      from = to;
      if (from == stream.length) {
        break;
      }
    }
    assertEquals(List.of("abc", "hello", "x".repeat(3000), "z"), List.of(receive(), receive(), receive(), receive()));
  }

  @Test
  void aStalledSocketLeavesTheDatagramsInThePeersOwnBufferUntilItTakesThemAgain() throws Exception {
    socketTakes.set(false);
    // Few enough that the receiver's socket buffer holds the burst (a loopback receiver drops what overflows it).
    onLoop(() -> peer.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(8 * 1024, 16 * 1024)));
    String payload = "p".repeat(1024);
    for (int i = 0; i < 40; i++) {
      byte[] frame = frames(i + ":" + payload);
      onLoop(() -> peer.writeAndFlush(Unpooled.wrappedBuffer(frame)));
    }
    long queued = onLoop(() -> peer.unsafe().outboundBuffer().totalPendingWriteBytes());
    assertTrue(queued > 40 * 1024, "the peer holds what the socket did not take: " + queued);
    assertFalse(onLoop(peer::isWritable), "above its high-water mark the peer says so (sends then fail with OUTPUT_FULL)");

    socketTakes.set(true);
    onLoop(() -> socket.pipeline().fireChannelWritabilityChanged());
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      got.add(receive());
    }
    for (int i = 0; i < 40; i++) {
      assertEquals(i + ":" + payload, got.get(i), "in order, each whole");
    }
    assertEquals(0L, (long) onLoop(() -> peer.unsafe().outboundBuffer().totalPendingWriteBytes()));
    assertTrue(onLoop(peer::isWritable));
  }

  @Test
  void theFirstAnswerIsNeverLongerThanWhatItAnswers() throws Exception {
    onLoop(() -> {
      peer.capFirstAnswer(5);
      return peer.writeAndFlush(Unpooled.wrappedBuffer(frames("ERR no names here", "later messages are whole")));
    });
    assertEquals("ERR n", receive());
    assertEquals("later messages are whole", receive());
  }

  @Test
  void anAnswerThatCannotFitIsWithheld() throws Exception {
    onLoop(() -> {
      peer.capFirstAnswer(2);
      return peer.writeAndFlush(Unpooled.wrappedBuffer(frames("ERR not allowed", "next")));
    });
    assertEquals("next", receive(), "the refusal did not fit two bytes: nothing was sent for it");
    assertEquals(1L, counters.get(DatagramSocketHandler.ANSWER_WITHHELD));
  }
}
