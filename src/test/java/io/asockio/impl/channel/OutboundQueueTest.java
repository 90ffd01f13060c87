package io.asockio.impl.channel;

import io.asockio.api.ClientConnection;
import io.asockio.api.MessageStream;
import io.asockio.api.SendException;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The way out of a connection, on an EmbeddedChannel whose "socket" a test can hold full. */
class OutboundQueueTest {

  static final GateConfig TCP = GateConfig.tcp("tcp", "127.0.0.1", 0);

  /** A handler that answers each message with what {@link #answer} says, inside the read. */
  static final class Answering extends Embedded.Recorder {
    java.util.function.BiConsumer<ClientConnection, Buffer> answer = (c, data) -> c.send(data);

    @Override
    public void onDataReceived(ClientConnection c, Buffer data) {
      super.onDataReceived(c, data);
      answer.accept(c, data);
    }
  }

  static Embedded open(AsockioConfig config, Answering handler) {
    Embedded e = new Embedded(config, handler).accept();
    e.in(Embedded.frame("alice"));
    e.outFrames(); // OK
    return e;
  }

  @Test
  void writesOfOneReadLoopAreFlushedOnce() {
    Answering echo = new Answering();
    try (Embedded e = open(AsockioConfig.of(TCP), echo)) {
      int before = e.gate.flushes;
      e.in(Embedded.frame("a"), Embedded.frame("b"), Embedded.frame("c"));
      assertEquals(List.of("a", "b", "c"), e.outFrames());
      // One flush for the three answers, and one for the empty write that tracks completion.
      assertTrue(e.gate.flushes - before <= 2, "flushes: " + (e.gate.flushes - before));
    }
  }

  @Test
  void sendsBeyondTheQueuedOutputLimitFailWithOutputFull() {
    Limits small = Limits.DEFAULTS.withMaxQueuedOutputBytes(3000);
    Answering flood = new Answering();
    List<Future<Void>> sends = new ArrayList<>();
    flood.answer = (c, data) -> {
      for (int i = 0; i < 5; i++) {
        sends.add(c.send(Buffer.buffer(new byte[1000])));
      }
    };
    try (Embedded e = open(AsockioConfig.of(TCP).withLimits(small), flood)) {
      e.gate.close(); // the socket takes nothing
      e.in(Embedded.frame("go"));
      // 1008 bytes per frame (plus Netty's bookkeeping per write): the empty queue takes one,
      // then what fits under 3000 bytes; the rest is refused, and the refusals come last.
      List<Boolean> outcome = sends.stream().map(Future::succeeded).toList();
      long queued = outcome.stream().filter(ok -> ok).count();
      assertTrue(queued >= 2 && queued < 5, outcome.toString());
      assertEquals(outcome.subList(0, (int) queued).size(), outcome.indexOf(false), outcome.toString());
      Throwable refused = sends.get((int) queued).cause();
      assertInstanceOf(SendException.class, refused);
      assertEquals(SendException.Reason.OUTPUT_FULL, ((SendException) refused).reason());
      e.gate.open();
      assertEquals(queued, e.outFrames().size());
    }
  }

  @Test
  void aLazySenderIsPulledOnlyWhileTheChannelIsWritable() {
    AtomicInteger pulled = new AtomicInteger();
    Iterator<Buffer> generator = IntStream.range(0, 100_000).mapToObj(i -> {
      pulled.incrementAndGet();
      return Buffer.buffer("m" + i);
    }).iterator();
    Answering producer = new Answering();
    List<Future<Void>> done = new ArrayList<>();
    producer.answer = (c, data) -> done.add(c.sendAll(generator));
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.gate.close();
      e.in(Embedded.frame("go"));
      int whileFull = pulled.get();
      assertTrue(whileFull < 100_000 / 10, "pulled " + whileFull + " while the socket took nothing");
      assertTrue(e.connection.isOutputFull());
      assertFalse(done.get(0).isComplete());
      e.connection.send(Buffer.buffer("after")); // queues behind the sender, in order
      e.gate.open();
      e.channel.runPendingTasks();
      for (int i = 0; i < 1000 && !done.get(0).isComplete(); i++) {
        e.outBytes(); // the test "socket" drains; writability comes back, the sender goes on
        e.channel.runPendingTasks();
      }
      assertTrue(done.get(0).succeeded());
      assertEquals(100_000, pulled.get());
    }
  }

  @Test
  void laterSendsGoOutBehindALazySender() {
    Answering producer = new Answering();
    producer.answer = (c, data) -> {
      c.sendAll(List.of(Buffer.buffer("1"), Buffer.buffer("2")).iterator());
      c.send(Buffer.buffer("3"));
    };
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.in(Embedded.frame("go"));
      e.channel.runPendingTasks();
      assertEquals(List.of("1", "2", "3"), e.outFrames());
    }
  }

  @Test
  void closingWhileQueuedFailsTheSendersAndReleasesTheBacklog() {
    Answering producer = new Answering();
    List<Future<Void>> done = new ArrayList<>();
    producer.answer = (c, data) -> {
      done.add(c.sendAll(IntStream.range(0, 1_000_000).mapToObj(i -> Buffer.buffer(new byte[100])).iterator()));
      done.add(c.send(Buffer.buffer("behind")));
    };
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.gate.close();
      e.in(Embedded.frame("go"));
      assertTrue(e.connection.queuedOutputBytes() > 0);
      e.connection.closeNow();
      e.channel.runPendingTasks();
      assertTrue(done.get(0).failed());
      assertEquals(SendException.Reason.NOT_CONNECTED, ((SendException) done.get(0).cause()).reason());
      assertFalse(e.channel.isOpen());
    }
  }

  @Test
  void outputEmptyIsToldOnceTheWritesCompleted() {
    Answering echo = new Answering();
    try (Embedded e = open(AsockioConfig.of(TCP), echo)) {
      e.gate.close();
      e.in(Embedded.frame("x"));
      e.channel.runPendingTasks();
      assertFalse(echo.events.contains("drained"), "nothing completed yet");
      e.gate.open();
      e.channel.runPendingTasks();
      assertEquals(List.of("open alice", "msg x", "drained"), echo.events);
    }
  }

  @Test
  void closeAfterFlushLetsTheQueuedOutputGoThenCloses() {
    Answering producer = new Answering();
    producer.answer = (c, data) -> {
      c.sendAll(List.of(Buffer.buffer("1"), Buffer.buffer("2")).iterator());
      c.closeAfterFlush();
      c.send(Buffer.buffer("refused")).onComplete(ar -> producer.events.add(ar.succeeded() ? "sent" : "refused"));
    };
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.gate.close();
      e.in(Embedded.frame("go"));
      assertTrue(e.channel.isOpen());
      e.gate.open();
      e.channel.runPendingTasks();
      assertEquals(List.of("1", "2"), e.outFrames());
      assertFalse(e.channel.isOpen());
      assertTrue(producer.events.contains("refused"));
      assertTrue(producer.events.contains("closed closed after flush"));
    }
  }

  /** A stream source that a test feeds by hand. */
  static final class ManualStream implements ReadStream<Buffer> {
    io.vertx.core.Handler<Buffer> handler;
    io.vertx.core.Handler<Void> end;
    io.vertx.core.Handler<Throwable> error;
    boolean paused;

    @Override
    public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
      error = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      paused = false;
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
      end = h;
      return this;
    }
  }

  @Test
  void aStreamedSendWritesTheHeaderThenTheBodyAndSendsBehindItWait() {
    ManualStream source = new ManualStream();
    Answering producer = new Answering();
    List<Future<Void>> done = new ArrayList<>();
    producer.answer = (c, data) -> {
      done.add(c.sendStream(source, 6));
      c.send(Buffer.buffer("next"));
    };
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.in(Embedded.frame("go"));
      source.handler.handle(Buffer.buffer("abc"));
      source.handler.handle(Buffer.buffer("def"));
      source.end.handle(null);
      e.channel.runPendingTasks();
      assertTrue(done.get(0).succeeded());
      assertEquals(List.of("abcdef", "next"), e.outFrames());
    }
  }

  @Test
  void aStreamedSendWhoseSourceEndsShortFailsAndClosesTheConnection() {
    ManualStream source = new ManualStream();
    Answering producer = new Answering();
    List<Future<Void>> done = new ArrayList<>();
    producer.answer = (c, data) -> done.add(c.sendStream(source, 10));
    try (Embedded e = open(AsockioConfig.of(TCP), producer)) {
      e.in(Embedded.frame("go"));
      source.handler.handle(Buffer.buffer("abc"));
      source.end.handle(null);
      e.channel.runPendingTasks();
      assertTrue(done.get(0).failed());
      assertEquals(SendException.Reason.SOURCE_FAILED, ((SendException) done.get(0).cause()).reason());
      assertTrue(done.get(0).cause().getMessage().contains("after 3 of 10 bytes"), done.get(0).cause().getMessage());
      assertFalse(e.channel.isOpen());
      assertEquals(1L, e.services.counters().get("closed.streamed send failed"));
    }
  }

  @Test
  void rawConnectionsWriteBytesAsTheyAre() {
    Answering echo = new Answering();
    try (Embedded e = new Embedded(AsockioConfig.of(TCP.withMode(GateConfig.Mode.RAW)), echo).accept()) {
      e.in("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("GET / HTTP/1.0\r\n\r\n", new String(e.outBytes(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aSmallRawAnswerFromSharedMemoryIsWrittenFromWhereItIsAndOthersAreCopied() {
    Buffer shared = io.asockio.api.SharedBuffers.of("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Buffer heap = Buffer.buffer("HTTP/1.1 404 Not Found\r\n\r\n");
    Answering answering = new Answering();
    answering.answer = (c, data) -> c.send(data.toString(StandardCharsets.US_ASCII).startsWith("GET /shared") ? shared : heap);
    try (Embedded e = new Embedded(AsockioConfig.of(TCP.withMode(GateConfig.Mode.RAW)), answering).accept()) {
      long sharedAddress = io.asockio.impl.vertx.VertxBuffers.view(shared).memoryAddress();
      e.in("GET /shared HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      io.netty.buffer.ByteBuf written = e.channel.readOutbound();
      try {
        assertEquals(sharedAddress, written.memoryAddress(), "no copy of memory that is never freed");
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", written.toString(StandardCharsets.US_ASCII));
      } finally {
        written.release();
      }
      e.in("GET /heap HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      written = e.channel.readOutbound();
      try {
        assertTrue(written.isDirect(), "a heap answer goes out as a direct copy");
        assertEquals("HTTP/1.1 404 Not Found\r\n\r\n", written.toString(StandardCharsets.US_ASCII));
      } finally {
        written.release();
      }
      // The shared answer is intact for the next send.
      e.in("GET /shared HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("HTTP/1.1 200 OK\r\n\r\n", new String(e.outBytes(), StandardCharsets.US_ASCII));
    }
  }
}
