package io.asockio.impl.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer's name in a log line can neither break the line nor hide or reorder text. */
class PrintableTest {

  @Test
  void controlsSeparatorsAndBidiControlsAreEscaped() {
    assertEquals("a\\x0ab\\x0dc\\x1bd\\x00e\\x7f", Printable.of("a\nb\rc\u001bd\u0000e\u007f"));
    assertEquals("x\\u0085y\\u009bz", Printable.of("x\u0085y\u009bz"), "C1: NEL is a line break, CSI starts an escape");
    assertEquals("\\u2028\\u2029", Printable.of("\u2028\u2029"));
    assertEquals("evil\\u202egpj.exe", Printable.of("evil\u202egpj.exe"), "right-to-left override");
    for (char c = 0x202a; c <= 0x202e; c++) {
      assertEquals(String.format("\\u%04x", (int) c), Printable.of(String.valueOf(c)));
    }
    for (char c = 0x2066; c <= 0x2069; c++) {
      assertEquals(String.format("\\u%04x", (int) c), Printable.of(String.valueOf(c)));
    }
  }

  @Test
  void ordinaryTextStaysAndLongNamesAreCut() {
    assertEquals("worker-1 \u00e4\u00f6 \uD83D\uDE00", Printable.of("worker-1 \u00e4\u00f6 \uD83D\uDE00"));
    String cut = Printable.of("x".repeat(500));
    assertTrue(cut.length() <= Printable.MAX_CHARS + 1 && cut.endsWith("…"), cut);
  }
}
