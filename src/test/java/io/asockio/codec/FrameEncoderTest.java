package io.asockio.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameEncoderTest {

  static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);

  static byte[] drain(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void okFrameMatchesTheProtocolBytes() {
    assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 'O', 'K'}, drain(FrameEncoder.frame(ALLOC, Frames.OK)));
  }

  @Test
  void headerIsUnsignedLittleEndian() {
    assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, drain(FrameEncoder.header(ALLOC, -1L)));
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}, drain(FrameEncoder.header(ALLOC, 1L << 32)));
  }

  @Test
  void framesTakeOverTheirPayloadCopyingOnlySmallOnes() {
    for (int size : new int[] {0, FrameEncoder.COPY_THRESHOLD, FrameEncoder.COPY_THRESHOLD + 1, 70_000}) {
      byte[] bytes = new byte[size];
      new Random(size).nextBytes(bytes);
      ByteBuf payload = ALLOC.directBuffer(size).writeBytes(bytes);
      ByteBuf frame = FrameEncoder.frame(ALLOC, payload);
      assertEquals(size > FrameEncoder.COPY_THRESHOLD ? 1 : 0, payload.refCnt(), "payload references, size " + size);
      byte[] wire = drain(frame); // released as the channel does once written
      assertEquals(0, payload.refCnt(), "size " + size);
      assertEquals(size, wire.length - Frames.HEADER_SIZE);
      assertEquals(size, Unpooled.wrappedBuffer(wire).getLongLE(0));
      byte[] body = new byte[size];
      System.arraycopy(wire, Frames.HEADER_SIZE, body, 0, size);
      assertArrayEquals(bytes, body, "size " + size);
    }
  }

  @Test
  void smallAndLargePayloadsRoundTripThroughTheDecoder() {
    Random random = new Random(1);
    List<byte[]> payloads = new ArrayList<>();
    ByteBuf wire = Unpooled.buffer();
    for (int size : new int[] {0, 1, FrameEncoder.COPY_THRESHOLD, FrameEncoder.COPY_THRESHOLD + 1, 100_000}) {
      byte[] p = new byte[size];
      random.nextBytes(p);
      payloads.add(p);
      wire.writeBytes(drain(FrameEncoder.frame(ALLOC, Unpooled.wrappedBuffer(p))));
    }
    List<byte[]> decoded = new ArrayList<>();
    new FrameDecoder(1 << 20, ALLOC, payload -> decoded.add(drain(payload))).feed(wire);
    assertEquals(payloads.size(), decoded.size());
    for (int i = 0; i < payloads.size(); i++) {
      assertArrayEquals(payloads.get(i), decoded.get(i));
    }
  }

  @Test
  void refusalCarriesTheReason() {
    ByteBuf wire = Unpooled.wrappedBuffer(drain(FrameEncoder.refusal(ALLOC, "unknown keyword")));
    ByteBuf payload = wire.slice(8, wire.readableBytes() - 8);
    assertEquals("ERR unknown keyword", payload.toString(StandardCharsets.US_ASCII));
    assertEquals("unknown keyword", Frames.refusalReason(payload));
    assertNull(Frames.refusalReason(Unpooled.wrappedBuffer(Frames.OK)));
    assertTrue(Frames.isOk(Unpooled.wrappedBuffer(Frames.OK)));
  }
}
