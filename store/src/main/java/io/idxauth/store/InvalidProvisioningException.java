package io.idxauth.store;

import java.util.List;

/** A provisioning file that was refused, with every problem found in it. */
public final class InvalidProvisioningException extends Exception {

  private final List<String> problems;

  public InvalidProvisioningException(List<String> problems) {
    super(problems.size() + " problem(s): " + String.join("; ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
