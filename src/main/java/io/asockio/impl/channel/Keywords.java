package io.asockio.impl.channel;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Keyword bytes to names, exactly: only valid UTF-8 maps one-to-one onto Java strings. */
final class Keywords {

  private Keywords() {
  }

  /** The keyword as a name, or null when its bytes are not valid UTF-8. */
  static String decode(ByteBuf keyword) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(keyword))).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
