package io.asockio.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingIdsTest {

  @Test
  void keepsEachIdOnceInTheOrderFirstAdded() {
    PendingIds pending = new PendingIds();
    for (long id : new long[] {7, 3, 7, 0, -5, 3, Long.MAX_VALUE, Long.MIN_VALUE, 0}) {
      pending.add(id);
    }
    assertEquals(List.of(7L, 3L, 0L, -5L, Long.MAX_VALUE, Long.MIN_VALUE), new ArrayList<>(pending.takeAll()));
  }

  @Test
  void takingEmptiesItAndLaterAddsLeaveTheTakenSetAlone() {
    PendingIds pending = new PendingIds();
    assertTrue(pending.isEmpty());
    assertSame(Set.of(), pending.takeAll());
    pending.add(1);
    pending.add(2);
    Set<Long> first = pending.takeAll();
    assertTrue(pending.isEmpty());
    pending.add(2);
    pending.add(3);
    assertEquals(List.of(1L, 2L), new ArrayList<>(first));
    assertEquals(List.of(2L, 3L), new ArrayList<>(pending.takeAll()), "2 counts again after a take");
  }

  @Test
  void matchesALinkedHashSetOverManyRoundsOfGrowthAndReuse() {
    PendingIds pending = new PendingIds();
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      Set<Long> expected = new LinkedHashSet<>();
      int adds = random.nextInt(round % 10 == 0 ? 5000 : 60);
      for (int i = 0; i < adds; i++) {
        long id = random.nextInt(3000) + (random.nextBoolean() ? 0 : (long) random.nextInt() << 20);
        pending.add(id);
        expected.add(id);
      }
      Set<Long> taken = pending.takeAll();
      assertEquals(new ArrayList<>(expected), new ArrayList<>(taken), "round " + round);
      assertEquals(expected.size(), taken.size());
      assertEquals(expected, taken);
      for (long probe = -3; probe < 3100; probe += 7) {
        assertEquals(expected.contains(probe), taken.contains(probe), "contains " + probe + " in round " + round);
      }
    }
  }

  @Test
  void theTakenSetIsReadOnly() {
    PendingIds pending = new PendingIds();
    for (long id = 1; id <= 40; id++) {
      pending.add(id);
    }
    Set<Long> taken = pending.takeAll();
    assertFalse(taken.contains("1"));
    assertFalse(taken.contains(null));
    assertTrue(taken.contains(40L));
    assertThrows(UnsupportedOperationException.class, () -> taken.add(41L));
    assertThrows(UnsupportedOperationException.class, () -> taken.remove(1L));
    Iterator<Long> it = taken.iterator();
    assertThrows(UnsupportedOperationException.class, it::remove);
    while (it.hasNext()) {
      it.next();
    }
    assertThrows(NoSuchElementException.class, it::next);
  }
}
