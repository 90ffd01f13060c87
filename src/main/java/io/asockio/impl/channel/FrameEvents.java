package io.asockio.impl.channel;

/**
 * What the frame decoder stage passes down the pipeline besides whole messages
 * ({@code ByteBuf}s): the start of a frame too long to hold, asking whether to stream it,
 * and the end of a streamed frame. Between the two, every {@code ByteBuf} is a chunk of the
 * streamed frame.
 */
final class FrameEvents {

  private FrameEvents() {
  }

  /**
   * A frame longer than the decoder's limit begins. A stage that will take it as a stream
   * calls {@link #stream()} while handling this event; otherwise the decoder refuses it and
   * stops.
   */
  static final class OversizedFrame {
    private final long length;
    private boolean streamed;

    OversizedFrame(long length) {
      this.length = length;
    }

    /** Declared payload length, unsigned. */
    long length() {
      return length;
    }

    void stream() {
      streamed = true;
    }

    boolean streamed() {
      return streamed;
    }
  }

  /** The last chunk of a streamed frame was passed on. */
  static final Object STREAM_END = new Object() {
    @Override
    public String toString() {
      return "STREAM_END";
    }
  };
}
