package io.asockio.process;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.Link;
import io.asockio.api.LinkException;
import io.asockio.api.SendException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.LinkConfig;
import io.asockio.config.ProcessCommand;
import io.asockio.testing.Await;
import io.asockio.testing.LogCapture;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Process links: a child process over its stdin and stdout is a client like any other. */
class ProcessLinkTest {

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static final LinkConfig.Reconnect FAST = new LinkConfig.Reconnect(true, 20, 200, 2.0, 0.2);

  /** Records what a handler saw. */
  static class Recorder implements ConnectionHandler {
    final ConcurrentLinkedQueue<String> data = new ConcurrentLinkedQueue<>();
    final List<String> lost = new CopyOnWriteArrayList<>();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public void onDataReceived(ClientConnection connection, Buffer message) {
      bytes.addAndGet(message.length());
      data.add(message.toString());
    }

    @Override
    public void onConnectionLost(ClientConnection connection, CloseReason reason) {
      lost.add(reason.toString());
    }
  }

  static long pid(Asockio node, String link) {
    String remote = node.client(link).remoteAddress();
    assertTrue(remote.startsWith("process "), remote);
    return Long.parseLong(remote.substring("process ".length()));
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void messagesGoThroughAChildAndBack() throws Exception {
    Recorder seen = new Recorder();
    Asockio node = fixture.start(AsockioConfig.of(), seen);
    // cat echoes its stdin: every frame comes back as it went.
    Link link = node.link(LinkConfig.process("cat", ProcessCommand.of("cat")));
    link.firstOutcome().await();
    assertEquals("process", node.client("cat").transport());
    node.send("cat", Buffer.buffer("ping")).await();
    node.send(node.client("cat").id(), List.of(Buffer.buffer("one"), Buffer.buffer(""), Buffer.buffer("three"))).await();
    Await.until("the echoes", () -> seen.data.size() == 4);
    assertEquals(List.of("ping", "one", "", "three"), List.copyOf(seen.data));
  }

  @Test
  void aChildThatExitsIsReportedWithItsCodeAndStartedAgain() throws Exception {
    Path starts = fixture.tmp.resolve("starts");
    Recorder seen = new Recorder();
    Asockio node = fixture.start(AsockioConfig.of(), seen);
    // Each start is written down; the child reads one frame ("hello": 8 + 5 bytes), then exits with 3.
    Link link = node.link(LinkConfig.process("worker", new ProcessCommand(
        List.of("sh", "-c", "echo start >> \"$STARTS\"; head -c 13 > /dev/null; exit 3"), Map.of("STARTS", starts.toString()), null))
        .withReconnect(FAST));
    link.firstOutcome().await();
    long firstPid = pid(node, "worker");
    node.send("worker", Buffer.buffer("hello")).await();
    Await.until("the exit reported", () -> seen.lost.contains("process exited: exit code 3"));
    Await.until("started again", () -> Files.exists(starts) && lines(starts) >= 2 && node.client("worker").connected());
    assertTrue(pid(node, "worker") != firstPid, "a new child");
    assertEquals(Link.Status.OPEN, link.status());
  }

  static long lines(Path file) {
    try {
      return Files.readAllLines(file).size();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void theChildsStderrIsLoggedLineByLineWithTheLinksName() throws Exception {
    try (LogCapture log = LogCapture.of("io.asockio.impl.process.ProcessChannel")) {
      Asockio node = fixture.start(AsockioConfig.of());
      node.link(LinkConfig.process("noisy", ProcessCommand.of("sh", "-c", "echo 'first problem' >&2; echo 'second' >&2; cat")))
          .firstOutcome().await();
      Await.until("both lines logged", () -> log.messages().contains("link noisy stderr: first problem")
          && log.messages().contains("link noisy stderr: second"));
    }
  }

  @Test
  void stoppingTheNodeEndsItsChildrenEvenOnesThatIgnoreSigterm() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of().withLimits(Limits.DEFAULTS.withShutdownGraceMs(500)));
    node.link(LinkConfig.process("polite", ProcessCommand.of("cat"))).firstOutcome().await();
    // An ignored signal stays ignored across exec: sleep never hears SIGTERM and needs SIGKILL.
    node.link(LinkConfig.process("stubborn", ProcessCommand.of("sh", "-c", "trap '' TERM; exec sleep 120"))).firstOutcome().await();
    long polite = pid(node, "polite");
    long stubborn = pid(node, "stubborn");
    assertTrue(alive(polite) && alive(stubborn));
    node.stop().await();
    assertFalse(alive(polite), "cat exits on EOF");
    assertFalse(alive(stubborn), "killed after the grace time");
  }

  @Test
  void unlinkEndsTheChildToo() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of());
    node.link(LinkConfig.process("short-lived", ProcessCommand.of("cat"))).firstOutcome().await();
    long pid = pid(node, "short-lived");
    node.unlink("short-lived").await();
    assertFalse(alive(pid));
  }

  @Test
  void aChildThatNeverReadsCannotGrowMemory() throws Exception {
    long limit = 256 * 1024;
    Asockio node = fixture.start(AsockioConfig.of().withLimits(Limits.DEFAULTS.withMaxQueuedOutputBytes(limit)
        .withShutdownGraceMs(500)));
    node.link(LinkConfig.process("deaf", ProcessCommand.of("sleep", "120"))).firstOutcome().await();
    Buffer message = Buffer.buffer(new byte[1024]);
    int sent = 0;
    SendException full = null;
    while (full == null && sent < 100_000) {
      try {
        node.send("deaf", message).await();
        sent++;
      } catch (SendException e) {
        full = e;
      }
    }
    assertTrue(full != null, "sends fail once the queue is full");
    assertEquals(SendException.Reason.OUTPUT_FULL, full.reason());
    long queued = node.connection("deaf").queuedOutputBytes();
    // What the pipe took (64 KiB on Linux) plus at most the limit and one message.
    assertTrue(sent * 1032L <= limit + 1032 + 1024 * 1024, "sent " + sent);
    assertTrue(queued <= limit + 1032, "queued " + queued);
  }

  @Test
  void aPipelineThatStopsReadingStopsTheChild() throws Exception {
    Recorder seen = new Recorder() {
      @Override
      public void onDataReceived(ClientConnection connection, Buffer message) {
        super.onDataReceived(connection, message);
        connection.pauseReading();
      }
    };
    Asockio node = fixture.start(AsockioConfig.of(), seen);
    long total = 20L << 20;
    // Raw: 20 MiB of zeros as fast as the pipe takes them.
    node.link(LinkConfig.process("flood", ProcessCommand.of("head", "-c", String.valueOf(total), "/dev/zero"))
        .withMode(GateConfig.Mode.RAW).withReconnect(LinkConfig.Reconnect.OFF)).firstOutcome().await();
    Await.until("a first chunk", () -> seen.bytes.get() > 0);
    ClientConnection flood = node.connection("flood");
    long afterPause = seen.bytes.get();
    // Paused: at most what the reader had in flight is held, the rest waits in the pipe and in the child.
    Await.until("reading paused", flood::isReadingPaused);
    assertTrue(flood.heldInputBytes() <= 5L * 64 * 1024, "held " + flood.heldInputBytes());
    assertTrue(afterPause < total);
    while (seen.bytes.get() < total) {
      long before = seen.bytes.get();
      flood.resumeReading();
      Await.until("more arrived", () -> seen.bytes.get() > before || seen.bytes.get() >= total);
    }
    assertEquals(total, seen.bytes.get());
  }

  @Test
  void whatAChildSentBeforeItExitedIsDeliveredEvenToAPausedHandler() throws Exception {
    List<String> remote = new CopyOnWriteArrayList<>();
    Recorder seen = new Recorder() {
      @Override
      public void onDataReceived(ClientConnection connection, Buffer message) {
        remote.add(connection.remoteAddress()); // before the recorder shows the message to the test thread
        super.onDataReceived(connection, message);
        if (remote.size() == 1) {
          // After the first message only: the second waits. Pausing again after the second would be
          // a handler that stops reading, and the child's exit (read after its output) would wait with it.
          connection.pauseReading();
        }
      }
    };
    Asockio node = fixture.start(AsockioConfig.of(), seen);
    // Two frames in one write, then exit 7.
    node.link(LinkConfig.process("brief", ProcessCommand.of("sh", "-c",
        "printf '\\005\\000\\000\\000\\000\\000\\000\\000hello\\005\\000\\000\\000\\000\\000\\000\\000world'; exit 7"))
        .withReconnect(LinkConfig.Reconnect.OFF)).firstOutcome().await();
    Await.until("the first message", () -> seen.data.contains("hello"));
    long pid = Long.parseLong(remote.get(0).substring("process ".length()));
    Await.until("the child gone", () -> !alive(pid));
    assertEquals(List.of("hello"), List.copyOf(seen.data), "paused: the second message waits");
    node.connection("brief").resumeReading();
    Await.until("the second message, then the exit", () -> seen.data.contains("world")
        && seen.lost.contains("process exited: exit code 7"));
  }

  @Test
  void aCommandThatCannotStartFailsTheLink() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of());
    Link link = node.link(LinkConfig.process("missing", ProcessCommand.of("/nonexistent/program"))
        .withReconnect(LinkConfig.Reconnect.OFF));
    Throwable failure = assertThrows(Throwable.class, () -> link.firstOutcome().await());
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    assertTrue(cause instanceof LinkException, String.valueOf(cause));
    assertEquals(LinkException.Kind.UNREACHABLE, ((LinkException) cause).kind());
    assertTrue(cause.getMessage().contains("cannot start process [/nonexistent/program]"), cause.getMessage());
  }
}
