package io.asockio.codec;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameEncoderTest {

  @Test
  void okFrameMatchesTheProtocolBytes() {
    assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 'O', 'K'}, FrameEncoder.frame(Frames.OK).getBytes());
  }

  @Test
  void headerIsUnsignedLittleEndian() {
    assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, FrameEncoder.header(-1L).getBytes());
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}, FrameEncoder.header(1L << 32).getBytes());
  }

  @Test
  void ownedFramesHoldTheirOwnReferenceToALargeBorrowedPayload() {
    for (int size : new int[] {0, FrameEncoder.COPY_THRESHOLD, FrameEncoder.COPY_THRESHOLD + 1, 70_000}) {
      byte[] bytes = new byte[size];
      new Random(size).nextBytes(bytes);
      io.netty.buffer.ByteBuf read = io.netty.buffer.Unpooled.directBuffer(size).writeBytes(bytes);
      io.netty.buffer.ByteBuf frame = FrameEncoder.frameOwned(Bytes.wrap(read), io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
      read.release(); // the lender takes its read back; a large frame still holds the bytes
      assertEquals(size > FrameEncoder.COPY_THRESHOLD ? 1 : 0, read.refCnt(), "payload references, size " + size);
      byte[] wire = new byte[frame.readableBytes()];
      frame.getBytes(frame.readerIndex(), wire);
      assertArrayEquals(FrameEncoder.frame(Buffer.buffer(bytes)).getBytes(), wire, "size " + size);
      frame.release(); // as the channel does once written
      assertEquals(0, read.refCnt(), "size " + size);
    }
  }

  @Test
  void smallAndLargePayloadsRoundTripThroughTheDecoder() {
    Random random = new Random(1);
    List<byte[]> payloads = new ArrayList<>();
    Buffer wire = Buffer.buffer();
    for (int size : new int[] {0, 1, FrameEncoder.COPY_THRESHOLD, FrameEncoder.COPY_THRESHOLD + 1, 100_000}) {
      byte[] p = new byte[size];
      random.nextBytes(p);
      payloads.add(p);
      wire.appendBuffer(FrameEncoder.frame(Buffer.buffer(p)));
    }
    List<Buffer> decoded = new ArrayList<>();
    new FrameDecoder(1 << 20, payload -> decoded.add(Bytes.heapCopy(payload))).feed(wire);
    assertEquals(payloads.size(), decoded.size());
    for (int i = 0; i < payloads.size(); i++) {
      assertArrayEquals(payloads.get(i), decoded.get(i).getBytes());
    }
  }

  @Test
  void batchedFramesKeepOrder() {
    Buffer wire = FrameEncoder.frames(List.of(Buffer.buffer("a"), Buffer.buffer(""), Buffer.buffer("bc")));
    List<String> decoded = new ArrayList<>();
    new FrameDecoder(10, p -> decoded.add(p.toString())).feed(wire);
    assertEquals(List.of("a", "", "bc"), decoded);
  }

  @Test
  void refusalCarriesTheReason() {
    Buffer wire = FrameEncoder.refusal("unknown keyword");
    Buffer payload = wire.slice(8, wire.length());
    assertEquals("unknown keyword", Frames.refusalReason(payload));
    assertNull(Frames.refusalReason(Frames.OK));
    assertTrue(Frames.isOk(Frames.OK));
  }
}
