package io.asockio.impl.channel;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.config.AsockioConfig;
import io.asockio.config.Limits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes a peer sends first, in whatever reads, the server handshake answers as the
 * wire contract says: {@code OK}, one documented {@code ERR} and a close, or nothing yet (the
 * bytes are a prefix of a keyword frame); an exception never reaches Netty. The expected
 * answer comes from a model written from docs/PROTOCOL.md alone.
 */
class HandshakePropertyTest {

  static final String SEED = "20261129";
  static final AsockioConfig CONFIG = AsockioConfig.fromJson(new JsonObject()
      .put("gates", new JsonArray().add(new JsonObject().put("name", "tcp").put("transport", "tcp")
          .put("host", "127.0.0.1").put("port", 0)))
      .put("access", new JsonObject().put("named", new JsonObject().put("rules", new JsonArray()
          .add(new JsonObject().put("keyword", "bot-?").put("action", "deny").put("reason", "no bots"))))));
  static final int MAX_KEYWORD = Limits.DEFAULT_MAX_KEYWORD_LENGTH;

  static Vertx vertx;

  @BeforeContainer
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterContainer
  static void stopVertx() {
    vertx.close().await();
  }

  /** The model: what the contract says the server answers to {@code input}. */
  static String expected(byte[] input) {
    if (input.length < 8) {
      return "";
    }
    long length = ByteBuffer.wrap(input, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (Long.compareUnsigned(length, MAX_KEYWORD) > 0) {
      return "ERR keyword too long";
    }
    if (input.length < 8 + length) {
      return "";
    }
    if (length == 0) {
      return "ERR empty keyword";
    }
    String keyword;
    try {
      keyword = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(input, 8, (int) length)).toString();
    } catch (CharacterCodingException e) {
      return "ERR keyword is not valid UTF-8";
    }
    if (keyword.startsWith("bot-") && keyword.codePointCount(4, keyword.length()) == 1) {
      return "ERR no bots";
    }
    return "OK";
  }

  static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN).putLong(payload.length).put(payload).array();
  }

  @Provide
  Arbitrary<byte[]> firstBytes() {
    Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<byte[]> keywordFrames = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        // Around the deny rule "bot-?": "bot-" and zero to two code points, some outside the BMP.
        Arbitraries.of("a", "é", "😀", "\u0000", "\u202e").list().ofMaxSize(2)
            .map(points -> ("bot-" + String.join("", points)).getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12),
        Arbitraries.just(new byte[MAX_KEYWORD + 1]),
        Arbitraries.just("k".repeat(MAX_KEYWORD).getBytes(StandardCharsets.UTF_8)))
        .map(HandshakePropertyTest::frame);
    Arbitrary<byte[]> withTrailer = keywordFrames.flatMap(f -> Arbitraries.bytes().array(byte[].class).ofMaxSize(30)
        .map(tail -> concat(f, tail)));
    Arbitrary<byte[]> cutShort = keywordFrames.flatMap(f -> Arbitraries.integers().between(0, f.length)
        .map(n -> Arrays.copyOf(f, n)));
    return Arbitraries.oneOf(anyBytes, keywordFrames, withTrailer, cutShort);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Property(tries = 1500, seed = SEED)
  void anyFirstBytesGetOkADocumentedErrOrNothingYet(@ForAll("firstBytes") byte[] input,
                                                     @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 2000) Integer> cuts) {
    try (Embedded e = new Embedded(vertx, CONFIG, new Embedded.Recorder()).accept()) {
      TreeSet<Integer> at = new TreeSet<>();
      cuts.forEach(c -> at.add(input.length == 0 ? 0 : c % input.length));
      at.add(input.length);
      int from = 0;
      for (int to : at) {
        if (to > from && e.channel.isOpen()) {
          e.in(Arrays.copyOfRange(input, from, to));
          from = to;
        }
      }
      String expected = expected(input);
      List<String> answers = e.outFrames();
      if (expected.isEmpty()) {
        assertEquals(List.of(), answers, "a prefix of a keyword frame is waited for");
        assertTrue(e.channel.isOpen());
      } else {
        assertEquals(List.of(expected), answers);
      }
      CloseReason reason = e.connection.closeReason();
      if (expected.startsWith("ERR")) {
        assertFalse(e.channel.isOpen(), "ERR closes");
      } else if (expected.equals("OK") && !e.channel.isOpen()) {
        // Bytes behind the keyword are messages: a random header may announce one over the limit.
        assertEquals(CloseCause.MESSAGE_TOO_LONG, reason.cause(), () -> "closed after OK: " + reason);
      }
      assertFalse(reason != null && (reason.cause() == CloseCause.SOCKET_ERROR || reason.cause() == CloseCause.HANDLER_FAILED),
          () -> "no exception reached the pipeline: " + reason);
      e.channel.checkException();
    }
  }
}
