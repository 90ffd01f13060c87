package io.asockio.impl.channel;

import io.asockio.security.Cidr;
import io.asockio.security.Peer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What access rules and limits know of a peer, read once at accept: its address (none on a
 * Unix socket) and, over TLS, its verified client certificate's CN and subject alternative
 * names.
 */
public final class PeerFacts {

  private final String remoteAddress;
  private final String addressKey;
  private final byte[] addressBytes;
  private final String certificateCn;
  private final List<String> certificateSans;

  private PeerFacts(String remoteAddress, String addressKey, String certificateCn, List<String> certificateSans) {
    this.remoteAddress = remoteAddress;
    this.addressKey = addressKey;
    this.addressBytes = addressKey == null ? null : Cidr.numeric(addressKey);
    this.certificateCn = certificateCn;
    this.certificateSans = certificateSans;
  }

  /** @param tls the socket is a TLS gate's (known from its config: asking the socket walks its pipeline) */
  public static PeerFacts of(NetSocket socket, boolean tls) {
    SocketAddress remote = socket.remoteAddress();
    String key = remote == null || remote.isDomainSocket() ? null : remote.hostAddress();
    String cn = null;
    List<String> sans = List.of();
    if (tls) {
      try {
        List<Certificate> chain = socket.peerCertificates();
        if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate) {
          X509Certificate cert = (X509Certificate) chain.get(0);
          cn = Certificates.commonName(cert);
          sans = Certificates.subjectAlternativeNames(cert);
        }
      } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
        // no client certificate: rules asking for one do not match
      }
    }
    return new PeerFacts(String.valueOf(remote), key, cn, sans);
  }

  /** A UDP peer: its source address (which, unlike a TCP peer's, may be spoofed). */
  public static PeerFacts of(java.net.InetSocketAddress remote) {
    String host = io.netty.util.NetUtil.toAddressString(remote.getAddress()); // RFC 5952: "::1", no scope
    String printable = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + remote.getPort();
    return new PeerFacts(printable, host, null, List.of());
  }

  /** Facts of a peer known only by its printable address (dialled connections, tests). */
  public static PeerFacts of(String remoteAddress) {
    return new PeerFacts(remoteAddress, null, null, List.of());
  }

  /** {@code host:port}, or the socket path. */
  String remoteAddress() {
    return remoteAddress;
  }

  /** The IP address, for per-address limits; null on Unix sockets. */
  String addressKey() {
    return addressKey;
  }

  String certificateCn() {
    return certificateCn;
  }

  /** The peer as access rules see it, introducing itself as {@code keyword} (null: anonymous). */
  Peer peer(String keyword, String transport, String gate) {
    return new Peer(keyword, transport, gate, addressBytes, certificateCn, certificateSans);
  }
}
