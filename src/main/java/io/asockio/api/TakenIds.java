package io.asockio.api;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A set of client ids that {@link IoEvents} handed over and no longer touches, read-only, in
 * the order the events came: an {@link IoIterationResult} keeps it as it is instead of copying
 * it on every iteration. One array, no boxed id until asked for one.
 */
final class TakenIds extends AbstractSet<Long> {

  /** Linear search up to this size; beyond it, a binary search over a sorted copy made once. */
  private static final int SCAN_LIMIT = 16;

  private final long[] ids;
  private volatile long[] sorted;

  TakenIds(long[] distinctIds) {
    this.ids = distinctIds;
  }

  @Override
  public Iterator<Long> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < ids.length;
      }

      @Override
      public Long next() {
        if (next >= ids.length) {
          throw new NoSuchElementException();
        }
        return ids[next++];
      }
    };
  }

  @Override
  public int size() {
    return ids.length;
  }

  @Override
  public boolean contains(Object o) {
    if (!(o instanceof Long id)) {
      return false;
    }
    if (ids.length <= SCAN_LIMIT) {
      for (long each : ids) {
        if (each == id) {
          return true;
        }
      }
      return false;
    }
    long[] lookup = sorted;
    if (lookup == null) {
      lookup = ids.clone();
      Arrays.sort(lookup);
      sorted = lookup;
    }
    return Arrays.binarySearch(lookup, id) >= 0;
  }
}
