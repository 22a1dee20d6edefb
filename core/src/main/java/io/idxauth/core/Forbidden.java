package io.idxauth.core;

/** An administrator lacks the right an action needs; the message says which. */
public final class Forbidden extends RuntimeException {

  private final String missingRight;

  public Forbidden(String missingRight, String message) {
    super(message, null, false, false);
    this.missingRight = missingRight;
  }

  /** The right that was missing, e.g. {@code operator-admin} or {@code participant:RETAILER01}. */
  public String missingRight() {
    return missingRight;
  }
}
