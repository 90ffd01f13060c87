package io.asockio.impl.channel;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both sides of the handshake as pipeline stages, without sockets. */
class HandshakeStagesTest {

  static final GateConfig TCP = GateConfig.tcp("tcp", "127.0.0.1", 0);

  static Embedded server(AsockioConfig config) {
    return new Embedded(config, new Embedded.Recorder()).accept();
  }

  @Test
  void okIsSentThenTheStageRemovesItselfAndMessagesBehindTheKeywordAreDelivered() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      assertNotNull(e.channel.pipeline().get(ServerHandshake.NAME));
      e.in(Embedded.frame("alice"), Embedded.frame("one"), Embedded.frame("two"));
      assertEquals(List.of("OK"), e.outFrames());
      assertNull(e.channel.pipeline().get(ServerHandshake.NAME), "the handshake stage is gone after OK");
      assertEquals(List.of("open alice", "msg one", "msg two"), e.handler.events);
      assertEquals(ChannelConnection.State.OPEN, e.connection.state());
      assertEquals(1, e.services.guard(TCP.name(), TCP.limits()).connections());
      assertEquals(0, e.services.guard(TCP.name(), TCP.limits()).pendingHandshakes());
    }
  }

  @Test
  void aKeywordSplitAcrossReadsIsWaitedFor() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      byte[] keyword = Embedded.frame("bob");
      e.in(java.util.Arrays.copyOfRange(keyword, 0, 5));
      assertEquals(List.of(), e.outFrames());
      e.in(java.util.Arrays.copyOfRange(keyword, 5, keyword.length));
      assertEquals(List.of("OK"), e.outFrames());
    }
  }

  @Test
  void refusalsSendOneErrFrameAndClose() {
    AsockioConfig refuseUnknown = AsockioConfig.of(TCP).withPolicies(new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE));
    record Case(AsockioConfig config, byte[] keyword, String answer, String counter) {
    }
    List<Case> cases = List.of(
        new Case(refuseUnknown, Embedded.frame("stranger"), "ERR unknown keyword", "refused.unknown keyword"),
        new Case(AsockioConfig.of(TCP), Embedded.frame(""), "ERR empty keyword", "refused.empty keyword"),
        new Case(AsockioConfig.of(TCP), Embedded.frame(new byte[] {(byte) 0xc3, 0x28}), "ERR keyword is not valid UTF-8",
            "refused.keyword is not valid UTF-8"),
        new Case(AsockioConfig.of(TCP), Embedded.frame("x".repeat(Limits.DEFAULT_MAX_KEYWORD_LENGTH + 1)),
            "ERR keyword too long", "refused.keyword too long"));
    for (Case c : cases) {
      try (Embedded e = server(c.config())) {
        e.in(c.keyword(), Embedded.frame("never delivered"));
        assertEquals(List.of(c.answer()), e.outFrames(), c.answer());
        assertFalse(e.channel.isOpen(), "closed after " + c.answer());
        assertEquals(List.of(), e.handler.events, "nothing reaches the handler");
        assertEquals(1L, e.services.counters().get(c.counter()));
        assertEquals(0, e.services.guard(TCP.name(), TCP.limits()).connections(), "slots given back");
        assertEquals(0, e.services.guard(TCP.name(), TCP.limits()).pendingHandshakes());
      }
    }
  }

  @Test
  void anOversizedKeywordIsRefusedFromItsHeaderWithoutReadingTheRest() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      e.in(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x40}); // 2^62 bytes announced, nothing sent
      assertEquals(List.of("ERR keyword too long"), e.outFrames());
      assertFalse(e.channel.isOpen());
    }
  }

  @Test
  void theHandshakeTimesOutOnTheChannelsClock() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      e.channel.freezeTime();
      e.in(new byte[] {5, 0, 0}); // a slow keyword
      e.channel.advanceTimeBy(Limits.DEFAULT_HANDSHAKE_TIMEOUT_MS - 1, TimeUnit.MILLISECONDS);
      e.channel.runScheduledPendingTasks();
      assertTrue(e.channel.isOpen());
      e.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      e.channel.runScheduledPendingTasks();
      assertEquals(List.of("ERR handshake timeout"), e.outFrames());
      assertFalse(e.channel.isOpen());
      assertEquals(1L, e.services.counters().get("refused.handshake timeout"));
    }
  }

  @Test
  void idlenessDuringTheHandshakeIsARefusal() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      e.channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
      assertEquals(List.of("ERR idle timeout"), e.outFrames());
      assertFalse(e.channel.isOpen());
    }
  }

  @Test
  void idlenessOfAnOpenConnectionClosesIt() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      e.in(Embedded.frame("alice"));
      e.channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
      e.channel.runPendingTasks();
      assertFalse(e.channel.isOpen());
      assertEquals("closed idle timeout", e.handler.events.get(e.handler.events.size() - 1));
    }
  }

  // ---- the connecting side --------------------------------------------------------------

  /** Records what a dialled connection reports. */
  static final class Outcome implements DialOutcome {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void opened(ChannelConnection connection) {
      events.add("opened " + connection.name());
    }

    @Override
    public void refused(String reason) {
      events.add("refused " + reason);
    }

    @Override
    public void lost(io.asockio.api.CloseReason cause) {
      events.add("lost " + cause);
    }
  }

  static final io.asockio.config.LinkConfig LINK = io.asockio.config.LinkConfig.tcp("up", "127.0.0.1", 25000);

  @Test
  void theKeywordGoesFirstAndOkOpensTheLink() {
    Outcome outcome = new Outcome();
    try (Embedded e = new Embedded(AsockioConfig.of(TCP), new Embedded.Recorder())) {
      e.dial(LINK, "edge-1", outcome);
      assertEquals(List.of("edge-1"), e.outFrames());
      e.in(Embedded.frame("OK"), Embedded.frame("welcome"));
      assertEquals(List.of("opened up"), outcome.events);
      assertEquals(List.of("open up", "msg welcome"), e.handler.events);
      assertNull(e.channel.pipeline().get(ClientHandshake.NAME));
      e.channel.close();
      assertEquals(List.of("opened up", "lost closed by peer"), outcome.events);
    }
  }

  @Test
  void anErrAnswerOrAnythingElseIsARefusal() {
    record Case(byte[] answer, String reported) {
    }
    for (Case c : List.of(new Case(Embedded.frame("ERR unknown keyword"), "refused unknown keyword"),
        new Case(Embedded.frame("HELLO"), "refused unexpected answer to the keyword (5 bytes, not OK)"),
        new Case(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, "refused answer too long (72057594037927936 bytes)"))) {
      Outcome outcome = new Outcome();
      try (Embedded e = new Embedded(AsockioConfig.of(TCP), new Embedded.Recorder())) {
        e.dial(LINK, "edge-1", outcome).in(c.answer());
        assertEquals(List.of(c.reported()), outcome.events);
        assertFalse(e.channel.isOpen());
        assertEquals(List.of(), e.handler.events);
      }
    }
  }

  @Test
  void aCloseBeforeTheAnswerOrNoAnswerInTimeIsARefusal() {
    Outcome closed = new Outcome();
    try (Embedded e = new Embedded(AsockioConfig.of(TCP), new Embedded.Recorder())) {
      e.dial(LINK, "edge-1", closed);
      e.channel.close();
      assertEquals(List.of("refused closed by the server before answering"), closed.events);
    }
    Outcome silent = new Outcome();
    try (Embedded e = new Embedded(AsockioConfig.of(TCP), new Embedded.Recorder())) {
      e.channel.freezeTime();
      e.dial(LINK, "edge-1", silent);
      e.channel.advanceTimeBy(Limits.DEFAULT_HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      e.channel.runScheduledPendingTasks();
      assertEquals(List.of("refused no answer to the keyword within " + Limits.DEFAULT_HANDSHAKE_TIMEOUT_MS + " ms"),
          silent.events);
      assertFalse(e.channel.isOpen());
    }
  }

  @Test
  void keywordsAreComparedAsUtf8Names() {
    try (Embedded e = server(AsockioConfig.of(TCP))) {
      e.in(Embedded.frame("b\u00e4r".getBytes(StandardCharsets.UTF_8)));
      assertEquals(List.of("open b\u00e4r"), e.handler.events);
    }
  }

  @Test
  void aRefusalIsLoggedWithTheKeywordItRefusedEscaped() {
    try (io.asockio.testing.LogCapture log = io.asockio.testing.LogCapture.of(io.asockio.impl.core.RefusalLog.class);
         Embedded e = server(AsockioConfig.of(TCP).withPolicies(new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE)))) {
      e.in(Embedded.frame("evil\u202e\ngpj"));
      assertEquals(List.of("ERR unknown keyword"), e.outFrames());
      assertEquals(List.of("refused \"evil\\u202e\\x0agpj\" from 127.0.0.1:40000 via gate tcp: unknown keyword"), log.messages());
    }
  }
}
