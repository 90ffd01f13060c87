package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the decoder over generated streams, split at generated places. Seeded, so a
 * run is reproducible; a failure prints the shrunk case and its seed.
 */
class FrameDecoderPropertyTest {

  // Direct and unpooled with leak-free bookkeeping: a use after release throws.
  static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);
  static final String SEED = "20261129";

  /** Collects whole messages, and streamed frames reassembled from their chunks; releases what it gets. */
  static final class Collector implements FrameDecoder.Listener {
    final List<byte[]> messages = new ArrayList<>();
    final boolean stream;
    ByteArrayOutputStream streamed;

    Collector(boolean stream) {
      this.stream = stream;
    }

    @Override
    public void onMessage(ByteBuf payload) {
      try {
        messages.add(bytes(payload));
      } finally {
        payload.release();
      }
    }

    @Override
    public boolean onOversizedFrame(long length) {
      if (stream) {
        streamed = new ByteArrayOutputStream();
      }
      return stream;
    }

    @Override
    public void onFrameChunk(ByteBuf chunk) {
      try {
        streamed.writeBytes(bytes(chunk));
      } finally {
        chunk.release();
      }
    }

    @Override
    public void onFrameEnd() {
      messages.add(streamed.toByteArray());
      streamed = null;
    }
  }

  static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return out;
  }

  static byte[] encode(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(m.length).array());
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  // The stream cut at the given places (taken modulo its length), fed read by read.
  static void feed(FrameDecoder decoder, byte[] stream, List<Integer> cuts, Runnable afterEachRead) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int cut : cuts) {
      if (stream.length > 0) {
        at.add(cut % stream.length);
      }
    }
    at.add(stream.length);
    int from = 0;
    for (int to : at) {
      if (to <= from) {
        continue;
      }
      ByteBuf read = ALLOC.directBuffer(to - from).writeBytes(stream, from, to - from);
      try {
        decoder.feed(read);
      } finally {
        read.release();
      }
      afterEachRead.run();
      from = to;
    }
  }

  @Provide
  Arbitrary<List<byte[]>> messages() {
    Arbitrary<byte[]> message = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(5000));
    return message.list().ofMaxSize(25);
  }

  @Property(tries = 400, seed = SEED)
  void anySplitOfAValidStreamDecodesToTheSameMessages(@ForAll("messages") List<byte[]> messages,
                                                       @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 200_000) Integer> cuts) {
    Collector collector = new Collector(false);
    FrameDecoder decoder = new FrameDecoder(Frames.MAX_IN_MEMORY_PAYLOAD, ALLOC, collector);
    feed(decoder, encode(messages), cuts, () -> { });
    assertSameMessages(messages, collector.messages);
    assertTrue(decoder.isAtFrameBoundary());
    assertEquals(0, decoder.retainedBytes(), "nothing held between frames");
  }

  @Property(tries = 400, seed = SEED)
  void framesOverTheLimitStreamToTheSameBytesInOrder(@ForAll("messages") List<byte[]> messages,
                                                     @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 200_000) Integer> cuts,
                                                     @ForAll @IntRange(min = 0, max = 300) int limit) {
    Collector collector = new Collector(true);
    FrameDecoder decoder = new FrameDecoder(limit, ALLOC, collector);
    feed(decoder, encode(messages), cuts, () -> { });
    assertSameMessages(messages, collector.messages);
  }

  @Property(tries = 300, seed = SEED)
  void aPartialMessageHoldsAboutItsBytesHoweverItIsSliced(@ForAll @IntRange(min = 1, max = 400_000) int length,
                                                          @ForAll @IntRange(min = 1, max = 5000) int piece) {
    Collector collector = new Collector(false);
    FrameDecoder decoder = new FrameDecoder(Frames.MAX_IN_MEMORY_PAYLOAD, ALLOC, collector);
    byte[] message = new byte[length];
    Arrays.fill(message, (byte) 7);
    byte[] stream = encode(List.of(message));
    List<Integer> cuts = new ArrayList<>();
    for (int at = piece; at < stream.length; at += piece) {
      cuts.add(at);
    }
    feed(decoder, stream, cuts, () -> assertTrue(
        decoder.retainedBytes() <= FrameDecoder.KEEP_RATIO * decoder.heldBytes() + 2L * FrameDecoder.ACCUMULATION_CHUNK,
        () -> "holds " + decoder.retainedBytes() + " bytes for " + decoder.heldBytes() + " received (" + piece + "-byte pieces)"));
    assertSameMessages(List.of(message), collector.messages);
  }

  @Property(tries = 1000, seed = SEED)
  void anyByteStringEitherDecodesOrStopsNeverThrows(@ForAll @Size(max = 3000) byte[] garbage,
                                                    @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 3000) Integer> cuts,
                                                    @ForAll @IntRange(min = 0, max = 2000) int limit) {
    Collector collector = new Collector(false);
    FrameDecoder decoder = new FrameDecoder(limit, ALLOC, collector);
    feed(decoder, garbage, cuts, () -> { });
    long consumed = 0;
    for (byte[] m : collector.messages) {
      assertTrue(m.length <= limit, "no message over the limit is delivered whole");
      consumed += 8 + m.length;
    }
    assertTrue(consumed <= garbage.length);
    decoder.stop();
    assertEquals(0, decoder.retainedBytes(), "stop releases everything");
  }

  static void assertSameMessages(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "message count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "message " + i);
    }
  }
}
