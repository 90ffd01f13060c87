package io.asockio.impl.channel;

import io.asockio.api.SendException;

/**
 * Something waiting in a connection's {@link Backlog} behind the socket: a buffered
 * write, a lazy sender ({@link IteratorSend}) or a streamed send ({@link StreamSend}). Each
 * owns its own pump and its own failure, so the queue needs no knowledge of what it holds
 * (after Netty's {@code ChunkedInput}).
 */
interface BacklogEntry {

  /** What a call to {@link #pump} achieved. */
  enum Progress {
    /** Finished: take it off the backlog. */
    DONE,
    /** Wrote some and has more: pump again while the channel is writable. */
    MORE,
    /** Moves by itself from now on (a stream) and calls {@link Backlog#entryDone} when it ends. */
    SELF_DRIVEN
  }

  /** Writes what it can; called at the head of the backlog while the channel is writable. */
  Progress pump(OutboundQueue out);

  /** Bytes it holds that count as queued output (for {@code OUTPUT_FULL}). */
  default long bufferedBytes() {
    return 0;
  }

  /** The connection closed first: release what it holds, fail its promise with {@code cause}. */
  void fail(SendException cause);
}
