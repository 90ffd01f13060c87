package io.asockio.impl.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputBudgetTest {

  @Test
  void sharesAddUpAndGiveBackWhatTheyReported() {
    OutputBudget budget = new OutputBudget(1000);
    OutputBudget.Share a = budget.share();
    OutputBudget.Share b = budget.share();
    a.report(300);
    b.report(500);
    assertEquals(800, budget.total());
    assertTrue(budget.fits(200));
    assertFalse(budget.fits(201));
    a.report(100); // drained some
    assertEquals(600, budget.total());
    a.report(0);
    b.report(0);
    assertEquals(0, budget.total());
  }

  @Test
  void aMessageLargerThanTheBudgetNeverFits() {
    OutputBudget budget = new OutputBudget(1000);
    assertFalse(budget.fits(5000)); // the connection's empty queue lets it go, not the budget
    assertTrue(budget.fits(1000));
  }
}
