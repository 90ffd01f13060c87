package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
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

  // Direct and unpooled: a released buffer is freed, so a use after release throws.
  static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);

  /** Records every event as text, e.g. {@code msg:hello}, {@code big:300}, {@code chunk:abc}, {@code end}; releases what it gets. */
  static final class Recorder implements FrameDecoder.Listener {
    final List<String> events = new ArrayList<>();
    final List<byte[]> messages = new ArrayList<>();
    boolean streamOversized;

    @Override
    public void onMessage(ByteBuf payload) {
      try {
        messages.add(bytes(payload));
        events.add("msg:" + payload.toString(StandardCharsets.ISO_8859_1));
      } finally {
        payload.release();
      }
    }

    @Override
    public boolean onOversizedFrame(long length) {
      events.add("big:" + Long.toUnsignedString(length));
      return streamOversized;
    }

    @Override
    public void onFrameChunk(ByteBuf chunk) {
      try {
        events.add("chunk:" + chunk.toString(StandardCharsets.ISO_8859_1));
      } finally {
        chunk.release();
      }
    }

    @Override
    public void onFrameEnd() {
      events.add("end");
    }
  }

  static byte[] bytes(ByteBuf buf) {
    return io.netty.buffer.ByteBufUtil.getBytes(buf);
  }

  static ByteBuf frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.ISO_8859_1);
    return Unpooled.buffer().writeLongLE(bytes.length).writeBytes(bytes);
  }

  static ByteBuf header(long length) {
    return Unpooled.buffer().writeLongLE(length);
  }

  static ByteBuf concat(ByteBuf... parts) {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf p : parts) {
      all.writeBytes(p);
    }
    return all;
  }

  static FrameDecoder decoder(long limit, FrameDecoder.Listener listener) {
    return new FrameDecoder(limit, ALLOC, listener);
  }

  @Test
  void helloFromTheProtocolExample() {
    Recorder r = new Recorder();
    decoder(1024, r).feed(Unpooled.wrappedBuffer(new byte[] {5, 0, 0, 0, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}));
    assertEquals(List.of("msg:hello"), r.events);
  }

  @Test
  void splitAtEveryOffsetIncludingInsideTheHeader() {
    ByteBuf stream = concat(frame("hello"), frame(""), frame("world!"));
    for (int cut = 0; cut <= stream.readableBytes(); cut++) {
      Recorder r = new Recorder();
      FrameDecoder decoder = decoder(1024, r);
      decoder.feed(stream.slice(0, cut));
      decoder.feed(stream.slice(cut, stream.readableBytes() - cut));
      assertEquals(List.of("msg:hello", "msg:", "msg:world!"), r.events, "cut at " + cut);
      assertTrue(decoder.isAtFrameBoundary());
    }
  }

  @Test
  void everyTwoCutsAndByteByByte() {
    ByteBuf stream = concat(frame("ab"), frame("cdefghijk"));
    int length = stream.readableBytes();
    for (int a = 0; a <= length; a++) {
      for (int b = a; b <= length; b++) {
        Recorder r = new Recorder();
        FrameDecoder decoder = decoder(1024, r);
        decoder.feed(stream.slice(0, a));
        decoder.feed(stream.slice(a, b - a));
        decoder.feed(stream.slice(b, length - b));
        assertEquals(List.of("msg:ab", "msg:cdefghijk"), r.events, "cuts " + a + "," + b);
      }
    }
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(1024, r);
    for (int i = 0; i < length; i++) {
      decoder.feed(stream.slice(i, 1));
    }
    assertEquals(List.of("msg:ab", "msg:cdefghijk"), r.events);
  }

  @Test
  void manyFramesInOneRead() {
    ByteBuf stream = Unpooled.buffer();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      stream.writeBytes(frame("m" + i));
      expected.add("msg:m" + i);
    }
    Recorder r = new Recorder();
    decoder(1024, r).feed(stream);
    assertEquals(expected, r.events);
  }

  @Test
  void emptyFramesAreMessages() {
    Recorder r = new Recorder();
    decoder(0, r).feed(concat(frame(""), frame("")));
    assertEquals(List.of("msg:", "msg:"), r.events);
  }

  @Test
  void randomSplitsOfRandomFramesKeepEveryByte() {
    Random random = new Random(42);
    List<byte[]> payloads = new ArrayList<>();
    ByteBuf stream = Unpooled.buffer();
    for (int i = 0; i < 200; i++) {
      byte[] p = new byte[random.nextInt(5000)];
      random.nextBytes(p);
      payloads.add(p);
      stream.writeLongLE(p.length).writeBytes(p);
    }
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(5000, r);
    int pos = 0;
    while (pos < stream.readableBytes()) {
      int n = Math.min(stream.readableBytes() - pos, 1 + random.nextInt(3000));
      decoder.feed(stream.slice(pos, n));
      pos += n;
    }
    assertEquals(payloads.size(), r.messages.size());
    for (int i = 0; i < payloads.size(); i++) {
      assertArrayEquals(payloads.get(i), r.messages.get(i), "message " + i);
    }
  }

  @Test
  void maxSizeIsAcceptedAndOneMoreIsRefused() {
    int max = 100;
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(max, r);
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
    FrameDecoder decoder = decoder(Frames.MAX_IN_MEMORY_PAYLOAD, r);
    // Were the decoder to allocate from the header, 2^31 and beyond could not even be attempted.
    decoder.feed(header(length).writeBytes("abc".getBytes(StandardCharsets.US_ASCII)));
    if (Long.compareUnsigned(length, Frames.MAX_IN_MEMORY_PAYLOAD) > 0) {
      assertEquals(List.of("big:" + Long.toUnsignedString(length)), r.events);
      assertTrue(decoder.isStopped());
    } else {
      assertEquals(List.of(), r.events);
      assertFalse(decoder.isStopped());
      assertTrue(decoder.retainedBytes() < 2 * FrameDecoder.ACCUMULATION_CHUNK, "held: " + decoder.retainedBytes());
    }
  }

  @Test
  void aLargeDeclaredLengthWithinTheLimitAllocatesOnlyWhatArrives() {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(Frames.MAX_IN_MEMORY_PAYLOAD, r);
    // 2^31-100 declared, 3 bytes sent: must not try to allocate 2 GiB.
    decoder.feed(header(Integer.MAX_VALUE - 100L).writeBytes("abc".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(decoder.isAtFrameBoundary());
    assertEquals(List.of(), r.events);
    assertEquals(3, decoder.heldBytes() - 0, "the header is consumed; three body bytes are held");
    assertTrue(decoder.retainedBytes() <= FrameDecoder.ACCUMULATION_CHUNK);
  }

  @Test
  void bodyGrowingAcrossManyReadsIsExact() {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(1 << 20, r);
    byte[] payload = new byte[300_000];
    new Random(7).nextBytes(payload);
    ByteBuf stream = Unpooled.buffer().writeLongLE(payload.length).writeBytes(payload);
    for (int pos = 0; pos < stream.readableBytes(); pos += 1000) {
      decoder.feed(stream.slice(pos, Math.min(stream.readableBytes() - pos, 1000)));
    }
    assertEquals(1, r.messages.size());
    assertArrayEquals(payload, r.messages.get(0));
  }

  @Test
  void oversizedFrameCanBeStreamedAsChunksThenDecodingGoesOn() {
    Recorder r = new Recorder();
    r.streamOversized = true;
    FrameDecoder decoder = decoder(3, r);
    ByteBuf stream = concat(frame("abcdefg"), frame("hi"));
    decoder.feed(stream.slice(0, 12));
    decoder.feed(stream.slice(12, stream.readableBytes() - 12));
    assertEquals(List.of("big:7", "chunk:abcd", "chunk:efg", "end", "msg:hi"), r.events);
  }

  @Test
  void limitChangesApplyFromTheNextHeader() {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(2, r);
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
    holder[0] = decoder(100, payload -> {
      seen.add(payload.toString(StandardCharsets.ISO_8859_1));
      payload.release();
      holder[0].stop();
    });
    holder[0].feed(concat(frame("one"), frame("two")));
    assertEquals(List.of("one"), seen);
  }

  @Test
  void switchToRawHandsOverPartialFramesAsTheyWereSent() {
    List<String> raw = new ArrayList<>();
    FrameDecoder[] holder = new FrameDecoder[1];
    holder[0] = decoder(100, payload -> {
      if (payload.toString(StandardCharsets.ISO_8859_1).equals("raw")) {
        holder[0].switchToRaw(b -> {
          raw.add(b.toString(StandardCharsets.ISO_8859_1));
          b.release();
        });
      }
      payload.release();
    });
    ByteBuf partial = frame("abcdef").slice(0, 10); // header + "ab"
    String expected = partial.toString(StandardCharsets.ISO_8859_1) + "GET /";
    holder[0].feed(concat(frame("raw"), partial));
    holder[0].feed(Unpooled.copiedBuffer("GET /", StandardCharsets.ISO_8859_1));
    assertEquals(expected, String.join("", raw));
    assertTrue(holder[0].isRaw());
  }

  // ---- ownership: reads are lent for the duration of feed(), as the pipeline releases them right after ----

  /**
   * Feeds {@code stream} as direct reads of {@code step} bytes in buffers of {@code capacity}
   * (like a socket read into a larger pooled buffer), each released right after feed().
   */
  private static List<ByteBuf> feedReleased(FrameDecoder decoder, ByteBuf stream, int step, int capacity) {
    List<ByteBuf> reads = new ArrayList<>();
    for (int pos = 0; pos < stream.readableBytes(); pos += step) {
      int n = Math.min(step, stream.readableBytes() - pos);
      ByteBuf read = ALLOC.directBuffer(Math.max(n, capacity)).writeBytes(stream, pos, n);
      reads.add(read);
      try {
        decoder.feed(read);
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
    ByteBuf stream = Unpooled.buffer();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // Tiny reads get small frames: one read object per byte would otherwise dominate the test.
      byte[] payload = new byte[random.nextInt(step < 100 ? (i % 10 == 0 ? 2000 : 300) : (i % 10 == 0 ? 200_000 : 3000))];
      random.nextBytes(payload);
      sent.add(payload);
      stream.writeLongLE(payload.length).writeBytes(payload);
    }
    for (int capacity : new int[] {step, 65536}) {
      Recorder r = new Recorder();
      FrameDecoder decoder = decoder(1 << 20, r);
      List<ByteBuf> reads = feedReleased(decoder, stream, step, capacity);
      assertEquals(sent.size(), r.messages.size());
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), r.messages.get(i), "frame " + i + ", reads in buffers of " + capacity);
      }
      assertAllReleased(reads);
    }
  }

  /**
   * A partial message trickled in small pieces, each read into a large buffer: what the
   * decoder keeps alive stays about the bytes received (at most 1.25x plus two accumulation
   * buffers), not one read buffer per piece.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 10, 100, 1000, 40_000, 60_000})
  void memoryHeldForAPartialMessageFollowsTheBytesNotTheReads(int piece) {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(16 << 20, r);
    int declared = 16 << 20;
    decoder.feed(header(declared));
    int sent = 0;
    int target = piece < 100 ? 200_000 : 4 << 20;
    while (sent < target) {
      ByteBuf read = ALLOC.directBuffer(65536).writeZero(piece); // one small read in a 64 KiB buffer
      decoder.feed(read);
      read.release();
      sent += piece;
    }
    assertEquals(sent, decoder.heldBytes());
    long bound = (long) (FrameDecoder.KEEP_RATIO * sent) + 2L * FrameDecoder.ACCUMULATION_CHUNK;
    assertTrue(decoder.retainedBytes() <= bound, "piece " + piece + ": " + decoder.retainedBytes() + " bytes kept for "
        + sent + " received (bound " + bound + ")");
    decoder.stop();
  }

  @Test
  void aFrameSpanningAFewFullReadsIsNotCopied() {
    List<ByteBuf> kept = new ArrayList<>();
    FrameDecoder decoder = decoder(1 << 20, kept::add);
    ByteBuf first = ALLOC.directBuffer(65536).writeLongLE(65536).writeZero(65536 - 8);
    decoder.feed(first);
    assertEquals(2, first.refCnt(), "the piece is a slice of the read (no copy)");
    ByteBuf second = ALLOC.directBuffer(65536).writeZero(8);
    decoder.feed(second);
    assertEquals(1, kept.size());
    assertEquals(65536, kept.get(0).readableBytes());
    assertEquals(2, second.refCnt(), "the message holds both reads, copied nowhere");
    kept.get(0).release();
    first.release();
    second.release();
    assertEquals(0, first.refCnt() + second.refCnt());
  }

  @Test
  void stopReleasesAPartialFrame() {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(1 << 20, r);
    ByteBuf stream = Unpooled.buffer().writeLongLE(1000).writeBytes(new byte[600]);
    List<ByteBuf> reads = feedReleased(decoder, stream, 100, 100);
    assertTrue(reads.stream().anyMatch(read -> read.refCnt() > 0), "the partial body must stay referenced");
    decoder.stop();
    assertAllReleased(reads);
  }

  @Test
  void switchToRawHandsOverAPartialFrameAndReleasesIt() {
    Recorder r = new Recorder();
    FrameDecoder decoder = decoder(1 << 20, r);
    ByteBuf stream = Unpooled.buffer().writeLongLE(10).writeBytes("abcd".getBytes(StandardCharsets.US_ASCII));
    List<ByteBuf> reads = feedReleased(decoder, stream, 6, 6);
    byte[][] raw = new byte[1][];
    decoder.switchToRaw(bytes -> {
      raw[0] = bytes(bytes);
      bytes.release();
    });
    assertArrayEquals(bytes(stream), raw[0]);
    assertAllReleased(reads);
  }
}
