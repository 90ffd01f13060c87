package io.asockio.impl.channel;

import io.asockio.api.ClientConnection;
import io.asockio.api.MessageStream;
import io.asockio.api.SendException;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input flow: pauses, held input and streamed messages, on an EmbeddedChannel. */
class InboundFlowTest {

  static final GateConfig TCP = GateConfig.tcp("tcp", "127.0.0.1", 0);

  /** Pauses at every message; the test resumes. */
  static final class Pauser extends Embedded.Recorder {
    @Override
    public void onDataReceived(ClientConnection c, Buffer data) {
      super.onDataReceived(c, data);
      c.pauseReading();
    }
  }

  static Embedded open(Embedded.Recorder handler) {
    Embedded e = new Embedded(AsockioConfig.of(TCP), handler).accept();
    e.in(Embedded.frame("alice"));
    e.outFrames();
    return e;
  }

  @Test
  void aPauseHoldsTheRestOfTheReadAndStopsReadingTheSocket() {
    Pauser pauser = new Pauser();
    try (Embedded e = open(pauser)) {
      e.in(Embedded.frame("1"), Embedded.frame("2"), Embedded.frame("3"));
      assertEquals(List.of("open alice", "msg 1"), pauser.events);
      assertFalse(e.channel.config().isAutoRead(), "the socket is not read while paused");
      assertTrue(e.connection.isReadingPaused());
      assertEquals(2, e.connection.heldInputBytes());

      e.connection.resumeReading();
      assertEquals(List.of("open alice", "msg 1", "msg 2"), pauser.events);
      assertFalse(e.channel.config().isAutoRead(), "paused again by the handler while held input was delivered");
      assertEquals(1, e.connection.heldInputBytes());

      e.connection.resumeReading();
      e.connection.resumeReading();
      assertEquals(List.of("open alice", "msg 1", "msg 2", "msg 3"), pauser.events);
      assertTrue(e.channel.config().isAutoRead());
      assertEquals(0, e.connection.heldInputBytes());
    }
  }

  @Test
  void inputThatArrivesWhilePausedWaitsItsTurn() {
    Pauser pauser = new Pauser();
    try (Embedded e = open(pauser)) {
      e.in(Embedded.frame("1"));
      e.in(Embedded.frame("2")); // e.g. read before the pause took effect
      assertEquals(List.of("open alice", "msg 1"), pauser.events);
      e.connection.resumeReading();
      assertEquals(List.of("open alice", "msg 1", "msg 2"), pauser.events);
    }
  }

  @Test
  void heldInputIsReleasedWhenTheChannelCloses() {
    Pauser pauser = new Pauser();
    try (Embedded e = open(pauser)) {
      e.in(Embedded.frame("1"), Embedded.frame("2"));
      assertEquals(1, e.connection.heldInputBytes());
      e.channel.close();
      assertEquals(0, e.connection.heldInputBytes());
      assertEquals("closed closed by peer", pauser.events.get(pauser.events.size() - 1));
    }
  }

  @Test
  void aPeerThatHalfClosesWhileAPausedHandlerHoldsItsMessagesHasThemDeliveredFirst() {
    Pauser pauser = new Pauser();
    try (Embedded e = open(pauser)) {
      e.in(Embedded.frame("1"), Embedded.frame("2"), Embedded.frame("3"));
      // The peer's FIN, read with its data (epoll reads to the end on RDHUP, even while paused).
      e.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      e.channel.runPendingTasks();
      assertTrue(e.channel.isOpen(), "open while the paused handler has messages to read");
      assertEquals(List.of("open alice", "msg 1"), pauser.events);
      e.connection.resumeReading();
      e.connection.resumeReading();
      e.channel.runPendingTasks();
      assertEquals(List.of("open alice", "msg 1", "msg 2", "msg 3", "closed closed by peer"), pauser.events);
      assertFalse(e.channel.isOpen());
    }
  }

  @Test
  void aHandlerThatDoesNotResumeWithinTheGraceLosesWhatAPeerThatEndedSent() {
    Pauser pauser = new Pauser();
    try (Embedded e = open(pauser)) {
      e.channel.freezeTime();
      e.in(Embedded.frame("1"), Embedded.frame("2"));
      e.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      e.channel.advanceTimeBy(Limits.DEFAULT_SHUTDOWN_GRACE_MS - 1, TimeUnit.MILLISECONDS);
      e.channel.runScheduledPendingTasks();
      assertTrue(e.channel.isOpen(), "within the grace");
      e.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      e.channel.runScheduledPendingTasks();
      e.channel.runPendingTasks();
      assertFalse(e.channel.isOpen(), "closed once the grace passed");
      assertEquals(List.of("open alice", "msg 1", "closed closed by peer"), pauser.events);
      assertEquals(0, e.connection.heldInputBytes(), "what it held is released");
    }
  }

  /** Takes messages over 4 bytes as streams and keeps them, without demand until the test asks. */
  static final class Streamer extends Embedded.Recorder {
    final List<MessageStream> streams = new ArrayList<>();
    final List<String> chunks = new ArrayList<>();

    @Override
    public long streamThreshold() {
      return 4;
    }

    @Override
    public void onMessageStream(ClientConnection c, MessageStream stream) {
      events.add("stream " + stream.length());
      streams.add(stream);
      stream.pause();
      stream.handler(chunk -> chunks.add(chunk.toString(StandardCharsets.UTF_8)));
      stream.endHandler(v -> events.add("end"));
    }
  }

  @Test
  void aStreamedMessageHoldsTheConnectionUntilItsEndIsTaken() {
    Streamer streamer = new Streamer();
    try (Embedded e = open(streamer)) {
      e.in(Embedded.frame("abcdefgh"), Embedded.frame("next"));
      assertEquals(List.of("open alice", "stream 8"), streamer.events);
      assertFalse(e.channel.config().isAutoRead(), "no demand: the socket waits");
      assertEquals(List.of(), streamer.chunks);
      MessageStream stream = streamer.streams.get(0);
      stream.fetch(1); // the one chunk, then the end (an end needs no demand), then the next message
      assertEquals(List.of("abcdefgh"), streamer.chunks);
      assertEquals(List.of("open alice", "stream 8", "end", "msg next"), streamer.events);
      assertTrue(e.channel.config().isAutoRead());
    }
  }

  @Test
  void aStreamCutOffByTheConnectionFails() {
    Streamer streamer = new Streamer();
    try (Embedded e = open(streamer)) {
      e.in(new byte[] {100, 0, 0, 0, 0, 0, 0, 0}, "abc".getBytes(StandardCharsets.UTF_8));
      MessageStream stream = streamer.streams.get(0);
      List<Throwable> failures = new ArrayList<>();
      stream.exceptionHandler(failures::add);
      e.channel.close();
      assertEquals(1, failures.size());
      assertTrue(failures.get(0).getMessage().contains("connection lost (closed by peer)"), failures.get(0).getMessage());
    }
  }

  @Test
  void aMessageOverTheLimitWithoutStreamingClosesTheConnection() {
    Embedded.Recorder plain = new Embedded.Recorder();
    try (Embedded e = open(plain)) {
      e.in(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x10}); // 2^60 bytes announced
      e.channel.runPendingTasks();
      assertFalse(e.channel.isOpen());
      assertEquals(1L, e.services.counters().get("closed.message too long"));
    }
  }

  @Test
  void switchingToRawRemovesTheDecoderAndPassesTheRestOfTheReadAsItCame() {
    Embedded.Recorder switcher = new Embedded.Recorder() {
      @Override
      public void onDataReceived(ClientConnection c, Buffer data) {
        super.onDataReceived(c, data);
        if (data.toString().equals("raw")) {
          c.switchToRaw();
        }
      }
    };
    try (Embedded e = open(switcher)) {
      e.in(Embedded.frame("raw"), "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      e.in("Host: x\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(List.of("open alice", "msg raw", "msg GET / HTTP/1.1\r\n", "msg Host: x\r\n"), switcher.events);
      assertTrue(e.channel.pipeline().get(FrameDecoderStage.class) == null, "raw: no decoder stage");
      e.connection.send(Buffer.buffer("HTTP/1.1 200 OK\r\n"));
      assertEquals("HTTP/1.1 200 OK\r\n", new String(e.outBytes(), StandardCharsets.US_ASCII), "no header on raw output");
    }
  }
}
