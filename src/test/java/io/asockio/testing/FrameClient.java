package io.asockio.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking test peer written only from the wire contract (no asockio code): it frames with
 * an 8-byte little-endian length, over TCP or a Unix socket. Every read is bounded in time.
 */
public final class FrameClient implements AutoCloseable {

  public static final int READ_TIMEOUT_MS = 10_000;

  private final Socket socket;
  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final ExecutorService unixReader;

  private FrameClient(Socket socket) throws IOException {
    this.socket = socket;
    this.channel = null;
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.unixReader = null;
  }

  private FrameClient(SocketChannel channel) {
    this.socket = null;
    this.channel = channel;
    this.in = Channels.newInputStream(channel);
    this.out = Channels.newOutputStream(channel);
    this.unixReader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "unix-test-reader");
      t.setDaemon(true);
      return t;
    });
  }

  public static FrameClient tcp(String host, int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
    return new FrameClient(socket);
  }

  /** A TLS connection (the handshake completes here; a refused certificate may only show as a close later). */
  public static FrameClient tls(String host, int port, javax.net.ssl.SSLContext context) throws IOException {
    javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.startHandshake();
    return new FrameClient(socket);
  }

  public static FrameClient unix(Path path) throws IOException {
    return new FrameClient(SocketChannel.open(UnixDomainSocketAddress.of(path)));
  }

  /** Connects from a chosen local address (e.g. 127.0.0.2, another loopback source). */
  public static FrameClient tcpFrom(String localAddress, String host, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
    return new FrameClient(socket);
  }

  /**
   * Connects with a fixed socket receive buffer (set before connecting, so the kernel does not
   * grow it) and introduces itself: a reader whose lag in bytes is bounded.
   */
  public static FrameClient namedWithReceiveBuffer(String host, int port, String keyword, int bytes)
      throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(bytes);
    socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
    FrameClient client = new FrameClient(socket);
    client.handshake(keyword);
    return client;
  }

  /** The TCP socket's receive buffer as the kernel reports it. */
  public int receiveBufferSize() throws IOException {
    return socket.getReceiveBufferSize();
  }

  /** Connects and introduces itself; returns the client once the server answered OK. */
  public static FrameClient named(String host, int port, String keyword) throws IOException {
    FrameClient client = tcp(host, port);
    client.handshake(keyword);
    return client;
  }

  public void handshake(String keyword) throws IOException {
    sendFrame(keyword);
    String answer = readText();
    if (!answer.equals("OK")) {
      throw new IOException("refused: " + answer);
    }
  }

  public static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(payload.length).put(payload).array();
  }

  public static byte[] frame(String payload) {
    return frame(payload.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] header(long length) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
  }

  public void sendFrame(String payload) throws IOException {
    write(frame(payload));
  }

  public void sendFrame(byte[] payload) throws IOException {
    write(frame(payload));
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public byte[] readFrame() throws IOException {
    byte[] header = readExactly(8);
    long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (length < 0 || length > 256L * 1024 * 1024) {
      throw new IOException("unexpected frame length " + Long.toUnsignedString(length));
    }
    try {
      return readExactly((int) length);
    } catch (EOFException e) {
      throw new EOFException("closed inside a frame: " + e.getMessage() + " of its payload");
    }
  }

  public String readText() throws IOException {
    return new String(readFrame(), StandardCharsets.UTF_8);
  }

  /** True when the server closed the connection (EOF or reset) before the timeout. */
  public boolean awaitClosed() throws IOException {
    try {
      int b = read(new byte[1], 0, 1);
      return b < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  public byte[] readExactly(int n) throws IOException {
    byte[] buf = new byte[n];
    int off = 0;
    while (off < n) {
      int r = read(buf, off, n - off);
      if (r < 0) {
        throw new EOFException("closed after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return buf;
  }

  /** Reads what is available (at least one byte), or returns an empty array at EOF. */
  public byte[] readSome(int max) throws IOException {
    byte[] buf = new byte[max];
    int r = read(buf, 0, max);
    if (r < 0) {
      return new byte[0];
    }
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.write(buf, 0, r);
    return copy.toByteArray();
  }

  private int read(byte[] buf, int off, int len) throws IOException {
    if (unixReader == null) {
      return in.read(buf, off, len);
    }
    Future<Integer> pending = unixReader.submit(() -> in.read(buf, off, len));
    try {
      return pending.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new SocketTimeoutException("no data within " + READ_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
    }
  }

  /** Ends our sending side (a FIN, or the Unix socket's end); reading goes on. */
  public void shutdownOutput() throws IOException {
    if (socket != null) {
      socket.shutdownOutput();
    } else {
      channel.shutdownOutput();
    }
  }

  /** Makes {@link #close} reset the connection (RST, unsent data dropped) instead of ending it. TCP only. */
  public void resetOnClose() throws IOException {
    socket.setSoLinger(true, 0);
  }

  /** Half-closes nothing; just closes. */
  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    } else {
      channel.close();
      unixReader.shutdownNow();
    }
  }
}
