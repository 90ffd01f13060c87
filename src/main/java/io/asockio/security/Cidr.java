package io.asockio.security;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.1.0.0/16}, {@code ::1/128}); a bare
 * address is a /32 or /128. IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) match IPv4
 * networks, as the same host seen through a dual-stack socket.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses {@code address[/prefix]}; only numeric addresses (never a DNS lookup). */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = numeric(address);
    if (bytes == null) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address or network");
    }
    bytes = unmapped(bytes);
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + text + "\" has a bad prefix length");
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0.." + max);
      }
    }
    byte[] network = mask(bytes, prefix);
    if (!Arrays.equals(network, bytes)) {
      throw new IllegalArgumentException("\"" + text + "\" has host bits set; did you mean " + format(network) + "/" + prefix + "?");
    }
    return new Cidr(network, prefix, t);
  }

  /** Whether {@code address} (raw bytes, 4 or 16, possibly IPv4-mapped) lies in this network. */
  public boolean contains(byte[] address) {
    byte[] a = unmapped(address);
    if (a.length != network.length) {
      return false;
    }
    return Arrays.equals(mask(a, prefix), network);
  }

  /** The bytes of a numeric address, IPv4-mapped IPv6 unmapped to IPv4; null when not numeric. */
  public static byte[] numeric(String address) {
    String a = address.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    int zone = a.indexOf('%');
    if (zone >= 0) {
      a = a.substring(0, zone);
    }
    // Netty's parser: literals only, never a name lookup, and no regex (this runs for every accepted connection).
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(a);
    return bytes == null ? null : unmapped(bytes);
  }

  private static byte[] unmapped(byte[] a) {
    if (a.length == 16) {
      for (int i = 0; i < 10; i++) {
        if (a[i] != 0) {
          return a;
        }
      }
      if (a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
        return Arrays.copyOfRange(a, 12, 16);
      }
    }
    return a;
  }

  private static byte[] mask(byte[] a, int prefix) {
    byte[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bits));
    }
    return out;
  }

  private static String format(byte[] a) {
    try {
      return InetAddress.getByAddress(a).getHostAddress();
    } catch (UnknownHostException e) {
      return Arrays.toString(a);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr && ((Cidr) o).prefix == prefix && Arrays.equals(((Cidr) o).network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
