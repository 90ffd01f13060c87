package io.asockio.impl.channel;

import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;

/**
 * Where a connection comes from: the gate that accepted it or the link that dialled it, with
 * what the connection needs to know of it.
 *
 * @param via         {@code gate} or {@code link}, for logs
 * @param name        the gate's or link's name
 * @param transport   TCP, UDP or UNIX
 * @param transportName {@code tcp}, {@code tls}, {@code udp} or {@code unix}
 * @param framed      framed (handshake and frames) or raw
 * @param processor   the processor class named in its config, or null
 * @param idleTimeoutMs close after this long without traffic (0: never)
 * @param maxDatagramSize UDP: the largest message one datagram carries; 0 on a byte stream
 * @param announce    whether the node's announcers (bus address, directory record, events) hear of the connection
 */
public record ConnectionOrigin(String via, String name, GateConfig.Transport transport, String transportName, boolean framed,
                               String processor, long idleTimeoutMs, int maxDatagramSize, boolean announce) {

  public static ConnectionOrigin gate(GateConfig gate) {
    return new ConnectionOrigin("gate", gate.name(), gate.transport(), gate.transportName(),
        gate.mode() == GateConfig.Mode.FRAMED, gate.processor(), gate.limits().idleTimeoutMs(), gate.maxDatagramSize(),
        gate.announce());
  }

  public static ConnectionOrigin link(LinkConfig link) {
    return new ConnectionOrigin("link", link.name(), link.transport(), link.endpoint().transportName(),
        link.mode() == GateConfig.Mode.FRAMED, link.processor(), 0, link.endpoint().maxDatagramSize(), true);
  }

  /** Whether the connection runs over TLS (Vert.x's handler holds writes of its own, and closes with close_notify). */
  public boolean tls() {
    return "tls".equals(transportName);
  }

  /** Whether one datagram carries one message (UDP) rather than frames on a byte stream. */
  public boolean datagram() {
    return maxDatagramSize > 0;
  }
}
