package io.asockio.gate;

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

  /** A name made safe for one log line: control characters escaped, long names cut. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 80));
    for (int i = 0; i < name.length() && out.length() < 80; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return name.length() > 80 ? out + "…" : out.toString();
  }
}
