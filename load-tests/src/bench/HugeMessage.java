package bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * One message of SIZE bytes (5 GiB by default, over 2^32) through an echo server and back:
 * written from a generator, read back and checksummed against what was sent. Prints one JSON
 * line with MiB/s and the server's peak RSS (VmHWM).
 *
 * Usage: HugeMessage PORT SIZE_BYTES SERVER_PID
 */
public final class HugeMessage {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long size = Long.parseLong(args[1]);
    long pid = Long.parseLong(args[2]);
    byte[] pattern = new byte[1 << 20];
    new Random(5).nextBytes(pattern);
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      ByteBuffer kw = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(4).put("huge".getBytes());
      kw.flip();
      ch.write(kw);
      ByteBuffer ok = ByteBuffer.allocate(10);
      while (ok.hasRemaining()) {
        ch.read(ok);
      }
      CRC32 sentCrc = new CRC32();
      AtomicLong receivedBytes = new AtomicLong();
      CRC32 receivedCrc = new CRC32();
      long[] echoedLength = new long[1];
      Thread reader = new Thread(() -> {
        try {
          ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
          while (header.hasRemaining()) {
            ch.read(header);
          }
          header.flip();
          echoedLength[0] = header.getLong();
          ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
          byte[] heap = new byte[1 << 20];
          while (receivedBytes.get() < size) {
            buf.clear();
            int r = ch.read(buf);
            if (r < 0) {
              break;
            }
            buf.flip();
            buf.get(heap, 0, r);
            receivedCrc.update(heap, 0, r);
            receivedBytes.addAndGet(r);
          }
        } catch (Exception e) {
          e.printStackTrace();
        }
      }, "reader");
      long t0 = System.nanoTime();
      reader.start();
      ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(size);
      head.flip();
      while (head.hasRemaining()) {
        ch.write(head);
      }
      ByteBuffer block = ByteBuffer.allocateDirect(pattern.length).put(pattern);
      for (long sent = 0; sent < size; ) {
        int n = (int) Math.min(pattern.length, size - sent);
        block.clear().limit(n);
        while (block.hasRemaining()) {
          ch.write(block);
        }
        sentCrc.update(pattern, 0, n);
        sent += n;
      }
      reader.join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      System.out.printf("{\"size\": %d, \"echoed_length\": %d, \"received\": %d, \"checksum_ok\": %b, \"seconds\": %.2f, "
              + "\"mib_per_s\": %.1f, \"server_peak_rss_mib\": %.1f}%n",
          size, echoedLength[0], receivedBytes.get(), sentCrc.getValue() == receivedCrc.getValue() && receivedBytes.get() == size,
          seconds, size / seconds / (1 << 20), hwm / 1048576.0);
    }
  }
}
