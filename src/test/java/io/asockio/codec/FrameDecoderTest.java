package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {

  /** Records every event as text, e.g. {@code msg:hello}, {@code big:300}, {@code chunk:abc}, {@code end}. */
  static final class Recorder implements FrameDecoder.Listener {
    final List<String> events = new ArrayList<>();
    final List<Buffer> messages = new ArrayList<>();
    boolean streamOversized;

    @Override
    public void onMessage(Buffer payload) {
      messages.add(Bytes.heapCopy(payload)); // borrowed: valid only during the callback
      events.add("msg:" + payload.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean onOversizedFrame(long length) {
      events.add("big:" + Long.toUnsignedString(length));
      return streamOversized;
    }

    @Override
    public void onFrameChunk(Buffer chunk) {
      events.add("chunk:" + chunk.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void onFrameEnd() {
      events.add("end");
    }
  }

  static Buffer frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.ISO_8859_1);
    return Buffer.buffer().appendLongLE(bytes.length).appendBytes(bytes);
  }

  static Buffer header(long length) {
    return Buffer.buffer().appendLongLE(length);
  }

  @Test
  void helloFromTheProtocolExample() {
    Recorder r = new Recorder();
    new FrameDecoder(1024, r).feed(Buffer.buffer(new byte[] {5, 0, 0, 0, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}));
    assertEquals(List.of("msg:hello"), r.events);
  }

  @Test
  void splitAtEveryOffsetIncludingInsideTheHeader() {
    Buffer stream = Buffer.buffer().appendBuffer(frame("hello")).appendBuffer(frame("")).appendBuffer(frame("world!"));
    for (int cut = 0; cut <= stream.length(); cut++) {
      Recorder r = new Recorder();
      FrameDecoder decoder = new FrameDecoder(1024, r);
      decoder.feed(stream.slice(0, cut));
      decoder.feed(stream.slice(cut, stream.length()));
      assertEquals(List.of("msg:hello", "msg:", "msg:world!"), r.events, "cut at " + cut);
      assertTrue(decoder.isAtFrameBoundary());
    }
  }

  @Test
  void everyTwoCutsAndByteByByte() {
    Buffer stream = Buffer.buffer().appendBuffer(frame("ab")).appendBuffer(frame("cdefghijk"));
    for (int a = 0; a <= stream.length(); a++) {
      for (int b = a; b <= stream.length(); b++) {
        Recorder r = new Recorder();
        FrameDecoder decoder = new FrameDecoder(1024, r);
        decoder.feed(stream.slice(0, a));
        decoder.feed(stream.slice(a, b));
        decoder.feed(stream.slice(b, stream.length()));
        assertEquals(List.of("msg:ab", "msg:cdefghijk"), r.events, "cuts " + a + "," + b);
      }
    }
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(1024, r);
    for (int i = 0; i < stream.length(); i++) {
      decoder.feed(stream.slice(i, i + 1));
    }
    assertEquals(List.of("msg:ab", "msg:cdefghijk"), r.events);
  }

  @Test
  void manyFramesInOneRead() {
    Buffer stream = Buffer.buffer();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      stream.appendBuffer(frame("m" + i));
      expected.add("msg:m" + i);
    }
    Recorder r = new Recorder();
    new FrameDecoder(1024, r).feed(stream);
    assertEquals(expected, r.events);
  }

  @Test
  void emptyFramesAreMessages() {
    Recorder r = new Recorder();
    new FrameDecoder(0, r).feed(Buffer.buffer().appendBuffer(frame("")).appendBuffer(frame("")));
    assertEquals(List.of("msg:", "msg:"), r.events);
  }

  @Test
  void randomSplitsOfRandomFramesKeepEveryByte() {
    Random random = new Random(42);
    List<byte[]> payloads = new ArrayList<>();
    Buffer stream = Buffer.buffer();
    for (int i = 0; i < 200; i++) {
      byte[] p = new byte[random.nextInt(5000)];
      random.nextBytes(p);
      payloads.add(p);
      stream.appendLongLE(p.length).appendBytes(p);
    }
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(5000, r);
    int pos = 0;
    while (pos < stream.length()) {
      int n = Math.min(stream.length() - pos, 1 + random.nextInt(3000));
      decoder.feed(stream.slice(pos, pos + n));
      pos += n;
    }
    assertEquals(payloads.size(), r.messages.size());
    for (int i = 0; i < payloads.size(); i++) {
      assertArrayEquals(payloads.get(i), r.messages.get(i).getBytes(), "message " + i);
    }
  }

  @Test
  void maxSizeIsAcceptedAndOneMoreIsRefused() {
    int max = 100;
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(max, r);
    decoder.feed(frame("x".repeat(max - 1)));
    decoder.feed(frame("y".repeat(max)));
    assertEquals(2, r.messages.size());
    decoder.feed(frame("z".repeat(max + 1)));
    assertEquals("big:" + (max + 1), r.events.get(2));
    assertTrue(decoder.isStopped());
    decoder.feed(frame("after"));
    assertEquals(3, r.events.size(), "nothing is decoded after a refusal");
  }

  @ParameterizedTest
  @ValueSource(longs = {(1L << 31) - 1, 1L << 31, 1L << 32, 1L << 63, -1L /* 2^64-1 */})
  void hugeLengthsAreRefusedWithoutAllocation(long length) {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(Frames.MAX_IN_MEMORY_PAYLOAD, r);
    // Were the decoder to allocate from the header, 2^31 and beyond could not even be attempted.
    decoder.feed(header(length).appendString("abc"));
    if (Long.compareUnsigned(length, Frames.MAX_IN_MEMORY_PAYLOAD) > 0) {
      assertEquals(List.of("big:" + Long.toUnsignedString(length)), r.events);
      assertTrue(decoder.isStopped());
    } else {
      assertEquals(List.of(), r.events);
      assertFalse(decoder.isStopped());
    }
  }

  @Test
  void aLargeDeclaredLengthWithinTheLimitAllocatesOnlyWhatArrives() {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(Frames.MAX_IN_MEMORY_PAYLOAD, r);
    // 2^31-100 declared, 3 bytes sent: must not try to allocate 2 GiB.
    decoder.feed(header(Integer.MAX_VALUE - 100L).appendString("abc"));
    assertFalse(decoder.isAtFrameBoundary());
    assertEquals(List.of(), r.events);
  }

  @Test
  void bodyGrowingAcrossManyReadsIsExact() {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(1 << 20, r);
    byte[] payload = new byte[300_000];
    new Random(7).nextBytes(payload);
    Buffer stream = Buffer.buffer().appendLongLE(payload.length).appendBytes(payload);
    for (int pos = 0; pos < stream.length(); pos += 1000) {
      decoder.feed(stream.slice(pos, Math.min(stream.length(), pos + 1000)));
    }
    assertEquals(1, r.messages.size());
    assertArrayEquals(payload, r.messages.get(0).getBytes());
  }

  @Test
  void oversizedFrameCanBeStreamedAsChunksThenDecodingGoesOn() {
    Recorder r = new Recorder();
    r.streamOversized = true;
    FrameDecoder decoder = new FrameDecoder(3, r);
    Buffer stream = Buffer.buffer().appendBuffer(frame("abcdefg")).appendBuffer(frame("hi"));
    decoder.feed(stream.slice(0, 12));
    decoder.feed(stream.slice(12, stream.length()));
    assertEquals(List.of("big:7", "chunk:abcd", "chunk:efg", "end", "msg:hi"), r.events);
  }

  @Test
  void limitChangesApplyFromTheNextHeader() {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(2, new FrameDecoder.Listener() {
      @Override
      public void onMessage(Buffer payload) {
        r.onMessage(payload);
      }

      @Override
      public boolean onOversizedFrame(long length) {
        return r.onOversizedFrame(length);
      }
    });
    decoder.feed(frame("ok"));
    decoder.limit(10);
    decoder.feed(frame("longer one"));
    assertEquals(List.of("msg:ok", "msg:longer one"), r.events);
    assertThrows(IllegalArgumentException.class, () -> decoder.limit(-1));
  }

  @Test
  void stopInsideACallbackStopsTheRestOfTheRead() {
    List<String> seen = new ArrayList<>();
    FrameDecoder[] holder = new FrameDecoder[1];
    holder[0] = new FrameDecoder(100, payload -> {
      seen.add(payload.toString());
      holder[0].stop();
    });
    holder[0].feed(Buffer.buffer().appendBuffer(frame("one")).appendBuffer(frame("two")));
    assertEquals(List.of("one"), seen);
  }

  @Test
  void suspendHoldsTheRestOfTheReadAndLaterInputUntilResume() {
    List<String> seen = new ArrayList<>();
    FrameDecoder[] holder = new FrameDecoder[1];
    holder[0] = new FrameDecoder(100, payload -> {
      seen.add(payload.toString());
      if (payload.toString().equals("stop")) {
        holder[0].suspend();
      }
    });
    FrameDecoder decoder = holder[0];
    decoder.feed(Buffer.buffer().appendBuffer(frame("a")).appendBuffer(frame("stop")).appendBuffer(frame("b")));
    decoder.feed(frame("c"));
    assertEquals(List.of("a", "stop"), seen);
    assertTrue(decoder.isSuspended());
    assertEquals(frame("b").length() + frame("c").length(), decoder.heldBytes());
    decoder.resume();
    assertEquals(List.of("a", "stop", "b", "c"), seen);
    assertEquals(0, decoder.heldBytes());
  }

  @Test
  void inputFedFromInsideACallbackIsDecodedAfterTheCurrentRead() {
    List<String> seen = new ArrayList<>();
    FrameDecoder[] holder = new FrameDecoder[1];
    holder[0] = new FrameDecoder(100, payload -> {
      seen.add(payload.toString());
      if (payload.toString().equals("first")) {
        holder[0].feed(frame("third")); // e.g. a socket resumed synchronously
      }
    });
    holder[0].feed(Buffer.buffer().appendBuffer(frame("first")).appendBuffer(frame("second")));
    assertEquals(List.of("first", "second", "third"), seen);
  }

  @Test
  void switchToRawHandsOverPartialFramesAsTheyWereSent() {
    List<String> raw = new ArrayList<>();
    FrameDecoder[] holder = new FrameDecoder[1];
    holder[0] = new FrameDecoder(100, payload -> {
      if (payload.toString().equals("raw")) {
        holder[0].switchToRaw(b -> raw.add(b.toString(StandardCharsets.ISO_8859_1)));
      }
    });
    Buffer partial = frame("abcdef").slice(0, 10); // header + "ab"
    holder[0].feed(Buffer.buffer().appendBuffer(frame("raw")).appendBuffer(partial));
    holder[0].feed(Buffer.buffer("GET /"));
    assertEquals(partial.toString(StandardCharsets.ISO_8859_1) + "GET /", String.join("", raw));
    assertTrue(holder[0].isRaw());
  }
  // ---- ownership: reads are lent for the duration of feed(), as the gate releases them right after ----

  /** Feeds {@code stream} as direct reads of {@code step} bytes, each released right after feed() (as the gate does). */
  private static List<ByteBuf> feedReleased(FrameDecoder decoder, Buffer stream, int step) {
    List<ByteBuf> reads = new ArrayList<>();
    for (int pos = 0; pos < stream.length(); pos += step) {
      int n = Math.min(step, stream.length() - pos);
      // Unpooled direct memory is freed on release: a later access throws instead of reading reused memory.
      ByteBuf read = Unpooled.directBuffer(n).writeBytes(stream.getBytes(pos, pos + n));
      reads.add(read);
      try {
        decoder.feed(Bytes.wrap(read));
      } finally {
        read.release();
      }
    }
    return reads;
  }

  private static void assertAllReleased(List<ByteBuf> reads) {
    for (int i = 0; i < reads.size(); i++) {
      assertEquals(0, reads.get(i).refCnt(), "read " + i + " is still referenced");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 100, 4096, 65536})
  void readsReleasedAfterFeedStillYieldEveryFrameAndAreAllFreed(int step) {
    Random random = new Random(step);
    Buffer stream = Buffer.buffer();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // Tiny reads get small frames: one read object per byte would otherwise dominate the test.
      byte[] payload = new byte[random.nextInt(step < 100 ? (i % 10 == 0 ? 2000 : 300) : (i % 10 == 0 ? 200_000 : 3000))];
      random.nextBytes(payload);
      sent.add(payload);
      stream.appendLongLE(payload.length).appendBytes(payload);
    }
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(1 << 20, r);
    List<ByteBuf> reads = feedReleased(decoder, stream, step);
    assertEquals(sent.size(), r.messages.size());
    for (int i = 0; i < sent.size(); i++) {
      assertArrayEquals(sent.get(i), r.messages.get(i).getBytes(), "frame " + i);
    }
    assertAllReleased(reads);
  }

  @Test
  void inputHeldWhileSuspendedKeepsItsOwnReferenceUntilDecoded() {
    List<String> seen = new ArrayList<>();
    FrameDecoder[] self = new FrameDecoder[1];
    FrameDecoder decoder = new FrameDecoder(1 << 20, new FrameDecoder.Listener() {
      @Override
      public void onMessage(Buffer payload) {
        seen.add(payload.toString(StandardCharsets.ISO_8859_1));
        if (seen.size() == 1) {
          self[0].suspend();
        }
      }
    });
    self[0] = decoder;
    Buffer stream = Buffer.buffer().appendBuffer(frame("one")).appendBuffer(frame("two")).appendBuffer(frame("three"));
    List<ByteBuf> reads = feedReleased(decoder, stream, 13);
    assertEquals(List.of("one"), seen);
    assertTrue(reads.stream().anyMatch(read -> read.refCnt() > 0), "held input must stay referenced");
    decoder.resume();
    assertEquals(List.of("one", "two", "three"), seen);
    assertAllReleased(reads);
  }

  @Test
  void stopReleasesAPartialFrameAndHeldInput() {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(1 << 20, r);
    Buffer stream = Buffer.buffer().appendLongLE(1000).appendBytes(new byte[600]);
    List<ByteBuf> reads = feedReleased(decoder, stream, 100);
    assertTrue(reads.stream().anyMatch(read -> read.refCnt() > 0), "the partial body must stay referenced");
    decoder.stop();
    assertAllReleased(reads);
  }

  @Test
  void switchToRawHandsOverAPartialFrameAndReleasesIt() {
    Recorder r = new Recorder();
    FrameDecoder decoder = new FrameDecoder(1 << 20, r);
    Buffer stream = Buffer.buffer().appendLongLE(10).appendString("abcd");
    List<ByteBuf> reads = feedReleased(decoder, stream, 6);
    Buffer[] raw = new Buffer[1];
    decoder.switchToRaw(bytes -> raw[0] = Bytes.heapCopy(bytes));
    assertEquals(stream, raw[0]);
    assertAllReleased(reads);
  }
}
