package io.asockio.api;

import java.util.Arrays;
import java.util.Set;

/**
 * Client ids gathered for the next {@link IoCore#ioIteration}, each once, in the order first
 * added. Primitive arrays reused from one iteration to the next: filing an event allocates
 * nothing (a {@code LinkedHashSet<Long>} costs a boxed id and a map entry per event, which
 * under load is most of the plain style's garbage). Not thread-safe: {@link IoEvents} guards it.
 */
final class PendingIds {

  private long[] ids = new long[16];
  /** Where each id sits in {@link #slots}, to clear exactly the slots used. */
  private int[] slotOf = new int[16];
  private int size;
  /** Open addressing, linear probing: an index into {@link #ids} plus one; 0 is a free slot. */
  private int[] slots = new int[32];

  /** Adds {@code id} unless it is here already. */
  void add(long id) {
    int mask = slots.length - 1;
    int slot = spread(id) & mask;
    for (int at; (at = slots[slot]) != 0; slot = (slot + 1) & mask) {
      if (ids[at - 1] == id) {
        return;
      }
    }
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
      slotOf = Arrays.copyOf(slotOf, size * 2);
    }
    ids[size] = id;
    slotOf[size] = slot;
    slots[slot] = ++size;
    if (size * 2 > slots.length) {
      rehash(slots.length * 2);
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The ids gathered, as a read-only set of their own; empties this one for the next round. */
  Set<Long> takeAll() {
    if (size == 0) {
      return Set.of();
    }
    Set<Long> taken = new TakenIds(Arrays.copyOf(ids, size));
    for (int i = 0; i < size; i++) {
      slots[slotOf[i]] = 0;
    }
    size = 0;
    return taken;
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = spread(ids[i]) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = i + 1;
      slotOf[i] = slot;
    }
  }

  // Ids are mostly consecutive numbers: mixed, so that they do not cluster in the table.
  private static int spread(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
