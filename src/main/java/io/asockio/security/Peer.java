package io.asockio.security;

import java.util.List;

/**
 * What is known of a peer when access is decided.
 *
 * @param keyword       its keyword, or null for an anonymous (raw) peer
 * @param transport     {@code tcp}, {@code tls} or {@code unix}
 * @param gate          the gate's name
 * @param address       its IP address bytes (IPv4-mapped unmapped), or null (Unix socket)
 * @param certificateCn subject CN of its verified TLS client certificate, or null
 * @param certificateSans DNS, IP, e-mail and URI subject alternative names of that certificate
 */
public record Peer(String keyword, String transport, String gate, byte[] address, String certificateCn,
                   List<String> certificateSans) {

  public Peer {
    certificateSans = certificateSans == null ? List.of() : List.copyOf(certificateSans);
  }

  /** Whether it presented a verified client certificate. */
  public boolean hasCertificate() {
    return certificateCn != null || !certificateSans.isEmpty();
  }

  /** Whether the certificate names {@code identity} as its CN or one of its SANs. */
  public boolean certificateNames(String identity) {
    return identity.equals(certificateCn) || certificateSans.contains(identity);
  }
}
