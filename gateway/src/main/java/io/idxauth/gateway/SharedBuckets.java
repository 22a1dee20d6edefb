package io.idxauth.gateway;

import java.util.Map;
import java.util.Set;

/**
 * The token buckets that the gateways of a fleet share, so that a participant's limit holds across
 * all of them: the store's {@code gateway_usage} table ({@code io.idxauth.store.JdbcRateUsage} is
 * one, as {@code usage::exchange}). {@link RateLimiter} calls it from a background task a few times
 * a second, never on a call's path.
 *
 * <p>A bucket is known by the moment it is full again, in epoch microseconds. Adding a cost {@code
 * c} at {@code now} moves that moment to {@code max(fullAt, now) + c}; a bucket never added to is
 * full.
 */
@FunctionalInterface
public interface SharedBuckets {

  /**
   * Adds {@code costs} to their buckets, then reports the buckets of {@code read}.
   *
   * @param costs bucket → microseconds to add
   * @param read the buckets to report
   * @param nowUs the caller's clock, in epoch microseconds
   * @return bucket → the moment it is full again, in epoch microseconds, for the buckets of {@code
   *     read} that are not known to be full
   * @throws RuntimeException when the buckets cannot be reached
   */
  Map<String, Long> exchange(Map<String, Long> costs, Set<String> read, long nowUs);
}
