package io.asockio.impl.process;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.impl.channel.PeerEnded;
import io.asockio.impl.channel.VirtualChannel;
import io.asockio.impl.core.Printable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A child process as a Netty channel: its stdout is what the channel reads, its stdin what it
 * writes, so that a process link has the pipeline of any other connection. Pipes have no
 * non-blocking API in the JDK, so three daemon threads per child do the blocking work and
 * hand over to the channel's event loop:
 *
 * <pre>
 *   stdout ─► reader thread: 64 KiB reads, at most 4 waiting for the loop, none while autoRead is off ─► pipeline
 *   pipeline ─► doWrite: flushed buffers handed to the writer thread ─► stdin; each written buffer then
 *               leaves the channel's output buffer, so the bytes a child has not taken count as queued output
 *   stderr ─► its own thread: logged line by line with the link's name
 * </pre>
 *
 * Back-pressure both ways: a child that does not read its stdin leaves the output queued here
 * (sends fail with {@code OUTPUT_FULL} past the limit); a pipeline that stops reading stops
 * the reader, the pipe fills and the child blocks on its writes.
 *
 * <p>When stdout ends the channel waits for the exit and closes with cause
 * {@code PROCESS_EXITED} and the code. Closing it (node stop, unlink) ends the child: stdin
 * is closed (EOF), then SIGTERM after {@link #TERM_AFTER_EOF_MS}, then SIGKILL after the grace
 * time. A JVM shutdown hook kills any child still alive, so none outlives the node.
 */
public final class ProcessChannel extends VirtualChannel {

  private static final Logger LOG = Logger.getLogger(ProcessChannel.class.getName());
  static final int READ_CHUNK = 64 * 1024;
  static final int READS_IN_FLIGHT = 4;
  static final int MAX_STDERR_LINE = 8 * 1024;
  /** A child that got EOF on stdin has this long to exit by itself before SIGTERM. */
  static final long TERM_AFTER_EOF_MS = 1_000;
  // The writer's stop mark, compared by identity (EMPTY_BUFFER and its duplicates are one object: not that).
  private static final ByteBuf END = Unpooled.unreleasableBuffer(Unpooled.buffer(0));
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "asockio-process-reaper"));
  }

  private final Process process;
  private final String label;
  private final long graceMs;
  private final LinkedBlockingQueue<ByteBuf> toChild = new LinkedBlockingQueue<>();
  private final Semaphore readsInFlight = new Semaphore(READS_IN_FLIGHT);
  private final Object readGate = new Object();
  private int handedToWriter; // flushed buffers given to the writer and still in the output buffer (event loop)

  /**
   * @param label   for thread names and log lines (the link's name)
   * @param graceMs how long a closing child gets after SIGTERM before SIGKILL
   */
  public ProcessChannel(Process process, String label, long graceMs) {
    super(null, "a child process");
    this.process = process;
    this.label = label;
    this.graceMs = graceMs;
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Completes when the child has exited. */
  public java.util.concurrent.CompletableFuture<Process> exited() {
    return process.onExit();
  }

  /** Starts moving bytes; call once the channel is registered and its pipeline is in place. */
  public void start() {
    daemon("stdout", this::readStdout);
    daemon("stdin", this::writeStdin);
    daemon("stderr", this::logStderr);
  }

  private void daemon(String stream, Runnable work) {
    Thread t = new Thread(work, "asockio-process-" + label + "-" + stream);
    t.setDaemon(true);
    t.start();
  }

  // ---- stdout ----------------------------------------------------------------------------

  private void readStdout() {
    InputStream in = process.getInputStream();
    byte[] chunk = new byte[READ_CHUNK];
    try {
      while (isOpen()) {
        readsInFlight.acquire();
        synchronized (readGate) {
          while (isOpen() && !config().isAutoRead()) {
            readGate.wait();
          }
        }
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        ByteBuf bytes = alloc().directBuffer(n).writeBytes(chunk, 0, n);
        if (!onLoop(() -> {
          readsInFlight.release();
          deliver(bytes);
        })) {
          bytes.release();
          break;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the pipe closed under us: the exit tells why
    }
    process.onExit().thenRun(() -> onLoop(this::onExited));
  }

  // Work for the event loop from one of the child's threads; false once the loop is gone (Vert.x closed).
  private boolean onLoop(Runnable work) {
    try {
      eventLoop().execute(work);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException loopGone) {
      return false;
    }
  }

  private void deliver(ByteBuf bytes) {
    if (!isOpen()) {
      bytes.release();
      return;
    }
    pipeline().fireChannelRead(bytes);
    pipeline().fireChannelReadComplete();
  }

  private void onExited() {
    if (isOpen()) {
      pipeline().fireUserEventTriggered(new PeerEnded(new CloseReason(CloseCause.PROCESS_EXITED, "exit code " + process.exitValue())));
    }
  }

  @Override
  protected void doBeginRead() {
    synchronized (readGate) {
      readGate.notifyAll();
    }
  }

  // ---- stdin -----------------------------------------------------------------------------

  @Override
  protected void doWrite(ChannelOutboundBuffer in) throws Exception {
    int[] index = {0};
    in.forEachFlushedMessage(msg -> {
      if (index[0]++ >= handedToWriter) {
        toChild.add(msg instanceof ByteBuf ? ((ByteBuf) msg).retainedDuplicate() : Unpooled.EMPTY_BUFFER);
        handedToWriter++;
      }
      return true;
    });
  }

  // What the writer wrote leaves the output buffer now: promises complete, queued bytes go down.
  private void written(int buffers) {
    ChannelOutboundBuffer out = unsafe().outboundBuffer();
    for (int i = 0; i < buffers && out != null; i++) {
      handedToWriter--;
      out.remove();
    }
  }

  private void writeStdin() {
    OutputStream stdin = process.getOutputStream();
    List<ByteBuf> batch = new ArrayList<>();
    boolean ending = false;
    try {
      while (!ending) {
        batch.add(toChild.take());
        toChild.drainTo(batch);
        int count = 0;
        for (ByteBuf b : batch) {
          if (b == END) {
            ending = true;
            break;
          }
          b.getBytes(b.readerIndex(), stdin, b.readableBytes());
          count++;
        }
        stdin.flush();
        batch.forEach(ReferenceCountUtil::release);
        batch.clear();
        int done = count;
        if (!onLoop(() -> written(done))) {
          break;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the child closed its stdin or exited: what is left is failed when the channel closes
    } finally {
      batch.forEach(ReferenceCountUtil::release);
      toChild.forEach(ReferenceCountUtil::release);
      toChild.clear();
      try {
        stdin.close(); // EOF: a well-behaved child exits now
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  // ---- stderr ----------------------------------------------------------------------------

  private void logStderr() {
    try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = err.read()) >= 0) {
        if (c == '\n' || line.length() >= MAX_STDERR_LINE) {
          log(line);
          line.setLength(0);
          if (c == '\n') {
            continue;
          }
        }
        line.append((char) c);
      }
      if (line.length() > 0) {
        log(line);
      }
    } catch (IOException ignored) {
      // the child is gone
    }
  }

  private void log(CharSequence line) {
    String text = line.toString();
    LOG.info(() -> "link " + label + " stderr: " + Printable.of(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
  }

  // ---- the channel's life ----------------------------------------------------------------

  @Override
  protected void doClose() {
    if (!markClosed()) {
      return;
    }
    synchronized (readGate) {
      readGate.notifyAll();
    }
    toChild.add(END);
    if (process.isAlive()) {
      EventLoop loop = eventLoop();
      loop.schedule(() -> {
        if (process.isAlive()) {
          LOG.fine(() -> "link " + label + ": SIGTERM to process " + process.pid());
          process.destroy();
          loop.schedule(() -> {
            if (process.isAlive()) {
              LOG.warning("link " + label + ": process " + process.pid() + " ignored SIGTERM for " + graceMs + " ms; SIGKILL");
              process.destroyForcibly();
            }
          }, graceMs, TimeUnit.MILLISECONDS);
        }
      }, Math.min(TERM_AFTER_EOF_MS, graceMs), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return null;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return null;
  }
}
