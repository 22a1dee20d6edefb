package io.idxauth.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The rate limits of each route, counted per participant: one token bucket (bucket4j) per route and
 * participant, holding all of the route's limits. Buckets live in memory, in this gateway instance
 * only; several instances behind a load balancer each allow the full rate.
 *
 * <p>A bucket unused for its longest window is forgotten: by then it would have refilled anyway.
 */
public final class RateLimiter {

  /** Distinct participants remembered per route; the IDX has hundreds. */
  private static final long MAX_PARTICIPANTS_PER_ROUTE = 100_000;

  private final Map<Route, Cache<String, Bucket>> buckets = new IdentityHashMap<>();
  private final TimeMeter time;

  /** Limits for the routes of {@code table}, on the system clock. */
  public RateLimiter(RouteTable table) {
    this(table, TimeMeter.SYSTEM_NANOTIME);
  }

  /** As {@link #RateLimiter(RouteTable)}, on {@code time} (for tests). */
  RateLimiter(RouteTable table, TimeMeter time) {
    this.time = time;
    for (Route route : table.routes()) {
      if (!route.rateLimits().isEmpty()) {
        Duration longest =
            route.rateLimits().stream()
                .map(Route.RateLimit::window)
                .max(Duration::compareTo)
                .orElseThrow();
        buckets.put(
            route,
            Caffeine.newBuilder()
                .maximumSize(MAX_PARTICIPANTS_PER_ROUTE)
                .expireAfterAccess(longest)
                .build());
      }
    }
  }

  /**
   * Takes one call from {@code participant}'s allowance on {@code route}.
   *
   * @return 0 when the call may go ahead; otherwise the whole seconds until it could (for {@code
   *     Retry-After}), and nothing was taken
   */
  public long acquire(Route route, String participant) {
    Cache<String, Bucket> perParticipant = buckets.get(route);
    if (perParticipant == null) {
      return 0;
    }
    Bucket bucket = perParticipant.get(participant, p -> newBucket(route));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    long nanos = probe.getNanosToWaitForRefill();
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  private Bucket newBucket(Route route) {
    LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
    for (Route.RateLimit limit : route.rateLimits()) {
      builder.addLimit(l -> l.capacity(limit.calls()).refillGreedy(limit.calls(), limit.window()));
    }
    return builder.build();
  }
}
