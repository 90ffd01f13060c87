package io.asockio.impl.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldInputBudgetTest {

  private final Counters counters = new Counters();
  // No headroom unless a test asks for it: claims fit in order.
  private HeldInputBudget budget = new HeldInputBudget(1000, 0, 0, counters);
  // The connections' event loops, run by hand.
  private final ArrayDeque<Runnable> loop = new ArrayDeque<>();

  private final class Connection {
    final List<Boolean> readingChanges = new ArrayList<>();
    final HeldInputBudget.Claim claim;

    Connection() {
      claim = budget.claim(loop::add, readingChanges::add);
    }

    boolean reading() {
      return readingChanges.isEmpty() || readingChanges.get(readingChanges.size() - 1);
    }
  }

  private void runLoop() {
    while (!loop.isEmpty()) {
      loop.poll().run();
    }
  }

  @Test
  void claimsWithinTheBudgetAreGrantedAtOnce() {
    Connection a = new Connection();
    Connection b = new Connection();
    a.claim.hold(600);
    b.claim.hold(400);
    assertEquals(1000, budget.held());
    assertTrue(a.reading() && b.reading());
    assertTrue(a.readingChanges.isEmpty(), "reading is not touched when a claim fits");
    assertEquals(0, counters.get(Counters.HELD_INPUT_WAITS));
  }

  @Test
  void aClaimThatDoesNotFitStopsReadingUntilMemoryIsGivenBack() {
    Connection a = new Connection();
    Connection b = new Connection();
    a.claim.hold(700);
    b.claim.hold(400);
    assertFalse(b.reading());
    assertTrue(b.claim.isWaiting());
    assertEquals(0, b.claim.granted());
    assertEquals(1, counters.get(Counters.HELD_INPUT_WAITS));
    assertEquals(700, budget.held());

    a.claim.hold(0); // a's message completed
    assertEquals(400, budget.held(), "granted at once, in the budget");
    assertFalse(b.reading(), "reading resumes on b's own event loop");
    runLoop();
    assertTrue(b.reading());
    assertEquals(400, b.claim.granted());
    assertFalse(b.claim.isWaiting());
  }

  @Test
  void aClaimLargerThanTheBudgetGoesThroughAlone() {
    Connection big = new Connection();
    Connection small = new Connection();
    big.claim.hold(5000);
    assertTrue(big.reading());
    assertEquals(5000, budget.held());
    small.claim.hold(10);
    assertFalse(small.reading());
    big.claim.hold(0);
    runLoop();
    assertTrue(small.reading());
    assertEquals(10, budget.held());
  }

  @Test
  void theLineIsServedInOrderSoALargeClaimIsNotStarved() {
    Connection holder = new Connection();
    Connection large = new Connection();
    Connection small = new Connection();
    holder.claim.hold(900);
    large.claim.hold(800);
    small.claim.hold(50); // would fit, but waits behind the large one
    assertFalse(large.reading());
    assertFalse(small.reading());
    holder.claim.hold(0);
    runLoop();
    assertTrue(large.reading());
    assertTrue(small.reading(), "both fit once the holder is done");
    assertEquals(850, budget.held());
  }

  @Test
  void aConnectionThatGoesAwayWhileWaitingLeavesTheLine() {
    Connection a = new Connection();
    Connection gone = new Connection();
    Connection next = new Connection();
    a.claim.hold(900);
    gone.claim.hold(500);
    next.claim.hold(500);
    assertEquals(2, budget.waiting());
    gone.claim.hold(0); // closed
    assertEquals(1, budget.waiting());
    a.claim.hold(0);
    runLoop();
    assertTrue(next.reading());
    assertEquals(500, budget.held());
    assertEquals(0, budget.waiting());
  }

  @Test
  void changingTheClaimGivesBackTheOldAmountFirst() {
    Connection a = new Connection();
    a.claim.hold(900);
    a.claim.hold(800); // one message completed and the next began in the same read
    assertEquals(800, budget.held());
    assertTrue(a.reading());
    a.claim.hold(0);
    assertEquals(0, budget.held());
  }

  @Test
  void aGrantOvertakenByACloseDoesNotTurnReadingBackOnLater() {
    Connection a = new Connection();
    Connection b = new Connection();
    a.claim.hold(900);
    b.claim.hold(500);
    a.claim.hold(0);    // grants b: a task is queued on b's loop
    b.claim.hold(0);    // b closes before the task runs: reading is turned on (harmless on a closed channel)
    int changes = b.readingChanges.size();
    runLoop();
    assertEquals(changes, b.readingChanges.size(), "the stale grant changes nothing");
    assertEquals(0, budget.held());
  }

  @Test
  void smallClaimsUseTheHeadroomAndPassALargeClaimWaitingInLine() {
    budget = new HeldInputBudget(1000, 50, 100, counters);
    Connection holder = new Connection();
    Connection large = new Connection();
    Connection small = new Connection();
    Connection tooMany = new Connection();
    holder.claim.hold(950);
    large.claim.hold(500);
    small.claim.hold(50);    // 1000 <= budget, but the large claim is first in line: only the headroom lets it in
    tooMany.claim.hold(50);  // 1050 <= 1100: also in the headroom
    assertFalse(large.reading());
    assertTrue(small.reading());
    assertTrue(tooMany.reading());
    assertEquals(1050, budget.held());
    Connection overHeadroom = new Connection();
    overHeadroom.claim.hold(50); // 1100 would be the ceiling itself: still fits
    Connection past = new Connection();
    past.claim.hold(50);         // 1150 > 1100: waits
    assertFalse(past.reading());
    holder.claim.hold(0);        // 150 held: the large one is granted in order, then the small one
    runLoop();
    assertTrue(large.reading());
    assertTrue(past.reading());
    assertEquals(700, budget.held());
  }

  @Test
  void theDefaultHeadroomIsAnEighthForClaimsUpToA64thOrAtLeast64KiB() {
    HeldInputBudget big = new HeldInputBudget(64L << 20, counters);
    assertEquals(8L << 20, big.headroom());
    assertEquals(1L << 20, big.smallClaim());
    HeldInputBudget tiny = new HeldInputBudget(1 << 20, counters);
    assertEquals(64 * 1024, tiny.smallClaim());
  }

  @Test
  void anUnboundedBudgetGrantsEverythingWithoutOverflowing() {
    budget = new HeldInputBudget(Long.MAX_VALUE, counters);
    Connection a = new Connection();
    Connection b = new Connection();
    a.claim.hold(Integer.MAX_VALUE);
    b.claim.hold(Integer.MAX_VALUE);
    assertTrue(a.reading() && b.reading());
    assertEquals(2L * Integer.MAX_VALUE, budget.held());
  }
}
