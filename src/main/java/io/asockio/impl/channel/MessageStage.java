package io.asockio.impl.channel;

/**
 * The stage of a pipeline that turns what arrives into messages: {@link FrameDecoderStage} on a
 * byte stream, {@link DatagramStage} over UDP. The connection sets its limit when it opens and
 * stops it when it closes.
 */
interface MessageStage extends io.netty.channel.ChannelHandler {

  /** Largest message passed on whole; a longer one is offered as a stream ({@code FrameEvents.OversizedFrame}). */
  void limit(long limit);

  /** Stops for good (after a refusal or an oversized message); releases what it holds. */
  void stop();

  /** Memory a partial message keeps alive now. */
  long retainedBytes();
}
