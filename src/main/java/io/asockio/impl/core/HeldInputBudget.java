package io.asockio.impl.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The node-wide budget for input held in partial messages ({@code limits.maxHeldInputBytes}).
 *
 * <p>A connection that starts holding a partial message claims the message's whole announced
 * length when its header arrives. A claim that does not fit waits in line, and its connection
 * stops being read until the claim is granted; claims already granted always fit, so every
 * message that started can finish, and memory is given back as messages complete. Nobody is
 * closed for someone else's traffic: a connection that would pass the budget simply waits.
 *
 * <pre>
 *   header (message of L bytes, not all here yet) ─► claim L ─► fits?  yes ─► keep reading
 *                                                             no  ─► in line, reading off
 *   message complete / connection gone ─► claim 0 ─► grants waiting claims ─► reading on
 * </pre>
 *
 * Two ways to fit:
 * <ul>
 *   <li><b>In order</b>: the claim fits in the budget, or nothing else is held (so a message
 *       larger than the budget, up to {@code limits.maxMessageSize}, still goes through,
 *       alone). Claims wait their turn: a large claim is not starved by later ones.</li>
 *   <li><b>Small, in the headroom</b>: a claim up to {@link #smallClaim()} may pass the line
 *       while the total stays within the budget plus {@link #headroom()}. So when large
 *       partial messages fill the budget, those holding the most wait, and clients with
 *       ordinary messages go on being read.</li>
 * </ul>
 * Held input stays within {@code max(budget, largest message) + headroom}. Messages that arrive
 * whole in one read never claim anything: the check costs nothing on that path. Thread-safe:
 * claims come from every event loop.
 */
public final class HeldInputBudget {

  /** The smallest small-claim size, whatever the budget. */
  static final long MIN_SMALL_CLAIM = 64 * 1024;

  private final long limit;
  private final long smallClaim;
  private final long headroom;
  private final long ceiling; // limit + headroom, saturated
  private final Counters counters;
  private long held;
  private final ArrayDeque<Claim> line = new ArrayDeque<>();

  /**
   * A budget of {@code limit} bytes, with a headroom of an eighth of it for claims up to a
   * 64th of it (at least {@value #MIN_SMALL_CLAIM} bytes).
   *
   * @param counters where waits are counted ({@link Counters#HELD_INPUT_WAITS})
   */
  public HeldInputBudget(long limit, Counters counters) {
    this(limit, Math.max(MIN_SMALL_CLAIM, limit / 64), limit / 8, counters);
  }

  HeldInputBudget(long limit, long smallClaim, long headroom, Counters counters) {
    this.limit = limit;
    this.smallClaim = smallClaim;
    this.headroom = headroom;
    this.ceiling = limit + headroom < 0 ? Long.MAX_VALUE : limit + headroom;
    this.counters = counters;
  }

  /** The budget in bytes. */
  public long limit() {
    return limit;
  }

  /** Claims up to this size may use the {@link #headroom()} and pass the line. */
  public long smallClaim() {
    return smallClaim;
  }

  /** Bytes beyond the budget that small claims may use. */
  public long headroom() {
    return headroom;
  }

  /** Bytes claimed now by partial messages. */
  public synchronized long held() {
    return held;
  }

  /** Claims waiting in line now. */
  public synchronized int waiting() {
    return line.size();
  }

  /**
   * A connection's claim on the budget.
   *
   * @param loop    the connection's event loop, where {@code reading} is called
   * @param reading told {@code false} when the claim must wait, {@code true} when it may read again
   */
  public Claim claim(Executor loop, Consumer<Boolean> reading) {
    return new Claim(loop, reading);
  }

  /** One connection's share: at most one amount, granted or waiting. Used from its event loop. */
  public final class Claim {

    private final Executor loop;
    private final Consumer<Boolean> reading;
    private long asked;        // event loop only: the last amount asked for
    private boolean stopped;   // event loop only: reading was turned off for this claim
    private long granted;      // guarded by the budget
    private long wanted;       // guarded by the budget: the amount waiting in line, 0 when not in line

    private Claim(Executor loop, Consumer<Boolean> reading) {
      this.loop = loop;
      this.reading = reading;
    }

    /**
     * Asks to hold {@code bytes} from now on, instead of what this claim held (0 gives it all
     * back). When the amount does not fit, reading is turned off until it is granted.
     */
    public void hold(long bytes) {
      if (bytes == asked) {
        return;
      }
      asked = bytes;
      boolean fits = request(this, bytes);
      if (!fits && !stopped) {
        stopped = true;
        reading.accept(false);
      } else if (fits && stopped) {
        stopped = false;
        reading.accept(true);
      }
    }

    /** Bytes this claim holds now (0 while it waits). */
    public long granted() {
      synchronized (HeldInputBudget.this) {
        return granted;
      }
    }

    /** Whether this claim waits in line. */
    public boolean isWaiting() {
      synchronized (HeldInputBudget.this) {
        return wanted > 0;
      }
    }

    // On the event loop, after the budget granted what was in line.
    private void onGranted() {
      boolean stillGranted;
      synchronized (HeldInputBudget.this) {
        stillGranted = wanted == 0;
      }
      if (stillGranted && stopped) {
        stopped = false;
        reading.accept(true);
      }
    }
  }

  // Gives back what the claim held and asks for the new amount; returns whether it is granted now.
  private boolean request(Claim claim, long bytes) {
    boolean fits;
    synchronized (this) {
      held -= claim.granted;
      claim.granted = 0;
      if (claim.wanted > 0) {
        line.remove(claim);
        claim.wanted = 0;
      }
      grantWaiting();
      fits = bytes == 0 || (line.isEmpty() && fitsInOrder(bytes)) || fitsInHeadroom(bytes);
      if (fits) {
        claim.granted = bytes;
        held += bytes;
      } else {
        claim.wanted = bytes;
        line.add(claim);
      }
    }
    if (!fits) {
      counters.count(Counters.HELD_INPUT_WAITS);
    }
    return fits;
  }

  // Under the lock. In order while the line's head fits; small claims behind a waiting one may
  // still use the headroom.
  private void grantWaiting() {
    boolean inOrder = true;
    for (Iterator<Claim> it = line.iterator(); it.hasNext() && held < ceiling; ) {
      Claim next = it.next();
      if ((inOrder && fitsInOrder(next.wanted)) || fitsInHeadroom(next.wanted)) {
        it.remove();
        next.granted = next.wanted;
        next.wanted = 0;
        held += next.granted;
        next.loop.execute(next::onGranted);
      } else {
        inOrder = false;
      }
    }
  }

  private boolean fitsInOrder(long bytes) {
    return held == 0 || held + bytes <= limit;
  }

  private boolean fitsInHeadroom(long bytes) {
    return bytes <= smallClaim && held + bytes <= ceiling;
  }
}
