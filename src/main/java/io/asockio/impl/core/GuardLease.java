package io.asockio.impl.core;

/**
 * What an accepted connection holds of its gate's bounds ({@link GateGuard}): a connection
 * slot, a slot of its address and, until its handshake ends, a pending-handshake slot. Each
 * is given back exactly once, whatever the order of events.
 */
public final class GuardLease {

  /** Dialled connections hold nothing. */
  public static final GuardLease NONE = new GuardLease(null, null, false);

  private final GateGuard guard;
  private final String address;
  private boolean handshakePending;
  private boolean held;

  public GuardLease(GateGuard guard, String address, boolean handshakePending) {
    this.guard = guard;
    this.address = address;
    this.handshakePending = handshakePending;
    this.held = guard != null;
  }

  /** The handshake ended (accepted, refused or cut off). */
  public void handshakeDone() {
    if (handshakePending && held) {
      handshakePending = false;
      guard.handshakeDone(address);
    }
  }

  /** The connection closed: every slot goes back. */
  public void release() {
    if (held) {
      handshakeDone();
      held = false;
      guard.release(address);
    }
  }
}
