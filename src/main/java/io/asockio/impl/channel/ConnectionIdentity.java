package io.asockio.impl.channel;

import io.asockio.api.ClientKind;
import io.asockio.config.GateConfig;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.NodeConnection;
import io.asockio.impl.core.Printable;
import io.vertx.core.Context;

/**
 * Who a connection is: where it came from, its peer, and the client record it serves once
 * open. Set before the connection is shared; the record is published when it opens.
 */
abstract class ConnectionIdentity implements NodeConnection {

  final ConnectionOrigin origin;
  private final int instance;
  final Context context;
  final PeerFacts peer;
  /** When the socket was accepted or connected (for the handshake time). */
  final long createdNanos = System.nanoTime();
  private volatile ClientRecord client;

  ConnectionIdentity(ConnectionOrigin origin, int instance, Context context, PeerFacts peer) {
    this.origin = origin;
    this.instance = instance;
    this.context = context;
    this.peer = peer;
  }

  final ClientRecord client() {
    return client;
  }

  final void client(ClientRecord record) {
    this.client = record;
  }

  @Override
  public long id() {
    ClientRecord c = client;
    return c == null ? -1 : c.id();
  }

  @Override
  public String name() {
    ClientRecord c = client;
    return c == null ? null : c.name();
  }

  @Override
  public ClientKind kind() {
    ClientRecord c = client;
    return c == null ? null : c.kind();
  }

  @Override
  public String gateName() {
    return origin.name();
  }

  @Override
  public GateConfig.Transport transport() {
    return origin.transport();
  }

  @Override
  public String transportName() {
    return origin.transportName();
  }

  @Override
  public String configuredProcessor() {
    return origin.processor();
  }

  @Override
  public boolean announced() {
    return origin.announce();
  }

  @Override
  public int instance() {
    return instance;
  }

  @Override
  public String remoteAddress() {
    return peer.remoteAddress();
  }

  @Override
  public String certificateCn() {
    return peer.certificateCn();
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String describe() {
    ClientRecord c = client;
    String who = c == null ? "peer" : "client#" + c.id() + " \"" + Printable.of(c.name()) + "\"";
    return who + " via " + origin.via() + " " + origin.name() + " from " + peer.remoteAddress();
  }

  @Override
  public String toString() {
    return describe();
  }
}
