package io.idxauth.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The account lifecycle policy. The defaults are the operator's password policy: secrets expire 90
 * days after they are made, six failures in a row lock an account for 15 minutes, and a secret
 * rotated out keeps working for 24 hours.
 *
 * @param secretMaxAge how long a secret works after it is made; zero for never
 * @param rotationGrace how long the secrets an account held keep working once a new one is added
 * @param lockoutThreshold consecutive failures that lock a client_id; zero for no lockout
 * @param lockoutDuration how long a locked client_id stays locked
 * @param sourceFailureLimit failures one source address may cause per window; zero for no limit
 * @param sourceWindow the window of {@code sourceFailureLimit}
 */
public record AccountPolicy(
    Duration secretMaxAge,
    Duration rotationGrace,
    int lockoutThreshold,
    Duration lockoutDuration,
    int sourceFailureLimit,
    Duration sourceWindow) {

  /** An account holds at most this many secrets: the current one and one being rotated in. */
  public static final int MAX_SECRETS = 2;

  public static final AccountPolicy DEFAULT =
      new AccountPolicy(
          Duration.ofDays(90),
          Duration.ofHours(24),
          6,
          Duration.ofMinutes(15),
          30,
          Duration.ofMinutes(15));

  public AccountPolicy {
    for (Duration d : new Duration[] {secretMaxAge, rotationGrace, lockoutDuration, sourceWindow}) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("policy durations must not be negative");
      }
    }
    if (lockoutThreshold < 0 || sourceFailureLimit < 0) {
      throw new IllegalArgumentException("policy limits must not be negative");
    }
  }

  /**
   * When {@code secret} stops working: the expiry it was given (at a rotation, an upgrade or an
   * import), otherwise its maximum age counted from when it was made; {@code null} for never.
   */
  public Instant expiryOf(ClientSecret secret) {
    if (secret.expires() != null) {
      return secret.expires();
    }
    return secretMaxAge.isZero() ? null : secret.created().plus(secretMaxAge);
  }
}
