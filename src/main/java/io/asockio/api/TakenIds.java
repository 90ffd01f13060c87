package io.asockio.api;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;

/**
 * A set of client ids that {@link IoEvents} handed over and no longer touches, read-only: an
 * {@link IoIterationResult} keeps it as it is instead of copying it on every iteration.
 */
final class TakenIds extends AbstractSet<Long> {

  private final Set<Long> ids;

  TakenIds(Set<Long> handedOver) {
    this.ids = Collections.unmodifiableSet(handedOver);
  }

  @Override
  public Iterator<Long> iterator() {
    return ids.iterator();
  }

  @Override
  public int size() {
    return ids.size();
  }

  @Override
  public boolean contains(Object o) {
    return ids.contains(o);
  }
}
