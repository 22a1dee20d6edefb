package io.idxauth.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When signing keys rotate and how long they are published around the time they sign.
 *
 * @param rotationInterval how long a key signs before a new one is made; zero turns scheduled
 *     rotation off (rotation on demand still works)
 * @param propagation how long a new key is published in the JWKS before it signs, so that every
 *     validator has fetched it by then (DESIGN: "a new key is published in the JWKS before it
 *     signs")
 * @param retiredPublication how long a key stays in the JWKS after it stops signing: at least the
 *     longest lifetime a token can have (DESIGN: "a retired key stays published until every token
 *     it signed has expired")
 */
public record KeyPolicy(
    Duration rotationInterval, Duration propagation, Duration retiredPublication) {

  /** Every 90 days (the operator's credential policy), published 1 h ahead, kept 24 h after. */
  public static final KeyPolicy DEFAULT =
      new KeyPolicy(Duration.ofDays(90), Duration.ofHours(1), Duration.ofHours(24));

  public KeyPolicy {
    requireNotNegative(rotationInterval, "rotationInterval");
    requireNotNegative(propagation, "propagation");
    requireNotNegative(retiredPublication, "retiredPublication");
  }

  /** True when keys rotate on a schedule. */
  public boolean scheduled() {
    return !rotationInterval.isZero();
  }

  private static void requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, not " + value);
    }
  }
}
