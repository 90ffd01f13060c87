package io.asockio.impl.channel;

import io.asockio.api.SendException;
import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * One message whose body comes from a {@link ReadStream}: the 8-byte header with the
 * declared length first, then the body, piped with back-pressure (the source pauses while
 * the channel is not writable). A source that fails, ends short of the length or runs over
 * it fails the send and closes the connection: the peer would be left mid-frame.
 */
final class StreamSend implements BacklogEntry {

  private final ReadStream<Buffer> source;
  private final long length;
  private final Promise<Void> done;
  private OutboundQueue out;
  private long sent;
  private boolean started;
  private boolean paused;

  StreamSend(ReadStream<Buffer> source, long length, Promise<Void> done) {
    this.source = source;
    this.length = length;
    this.done = done;
  }

  @Override
  public Progress pump(OutboundQueue queue) {
    if (!started) {
      started = true;
      out = queue;
      out.write(FrameEncoder.header(queue.alloc(), length));
      out.countSent(1, 0);
      source.exceptionHandler(err -> onLoop(() -> abort(err instanceof SendException
          ? err.getMessage() : "the source failed: " + err.getMessage())));
      source.endHandler(v -> onLoop(this::onEnd));
      source.handler(chunk -> onLoop(() -> onChunk(chunk)));
      source.resume();
    } else if (paused) {
      paused = false;
      source.resume();
    }
    return Progress.SELF_DRIVEN;
  }

  // The source may call back from another thread (a file on a worker, another connection's loop).
  private void onLoop(Runnable action) {
    if (out.executor().inEventLoop()) {
      action.run();
    } else {
      out.executor().execute(action);
    }
  }

  private void onChunk(Buffer chunk) {
    if (!out.backlog().isHead(this)) {
      return;
    }
    sent += chunk.length();
    if (Long.compareUnsigned(sent, length) > 0) {
      abort("the source ran over the declared length of " + Frames.unsigned(length) + " bytes");
      return;
    }
    out.countSent(0, chunk.length());
    out.write(out.owned(chunk));
    if (!out.isWritable() && !paused) {
      paused = true;
      source.pause();
    }
  }

  private void onEnd() {
    if (!out.backlog().isHead(this)) {
      return;
    }
    if (sent != length) {
      abort("the source ended after " + Frames.unsigned(sent) + " of " + Frames.unsigned(length) + " bytes");
      return;
    }
    done.tryComplete();
    out.backlog().entryDone(this);
  }

  private void abort(String reason) {
    if (!out.backlog().isHead(this)) {
      return;
    }
    done.tryFail(new SendException(SendException.Reason.SOURCE_FAILED, "streamed send to " + out.describe()
        + " failed: " + reason + "; connection closed"));
    out.backlog().streamFailed(this, reason);
  }

  @Override
  public void fail(SendException cause) {
    done.tryFail(cause);
  }
}
