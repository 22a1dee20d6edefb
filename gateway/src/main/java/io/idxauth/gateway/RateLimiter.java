package io.idxauth.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits of each route, counted per participant: one token bucket per route, participant
 * and limit, as {@link Route.RateLimit} describes ({@code 1440/day}: a burst of 1440, then one call
 * a minute). A bucket is kept as the moment it is full again (GCRA): a call costs {@code
 * window/calls} and goes through while that moment, pushed on by the cost, stays within one window
 * of now. Every decision is taken from memory.
 *
 * <p>Alone, a gateway counts the calls it sees; several behind a load balancer would each allow the
 * full rate. Given {@link SharedBuckets} (the store: {@code idx-auth gateway --db}), the gateways
 * share each bucket: every {@link #SYNC_PERIOD} a background task adds the cost of the calls let
 * through here since the last exchange, and reads back where the buckets stand of the participants
 * asked about here in the last {@link #WARM}; that is this gateway's count from then on, plus its
 * own calls. What a gateway does not see is what the others let through since they and it last
 * exchanged (up to two sync periods), or, for a participant it has not served in the last {@link
 * #WARM}, anything at all until its next exchange. Past a limit, the fleet may therefore let
 * through what the participant sends to the other gateways in that time, and never more than
 * (gateways − 1) × the bucket. That excess is owed: the participant waits for it afterwards, so
 * over a longer span the fleet keeps to the limit. While the store cannot be reached, the gateway
 * counts alone (logged once); the calls it lets through then are never added to the store, and the
 * first exchange that succeeds brings it back to the fleet's count.
 *
 * <p>A participant unused for a route's longest window is forgotten: its bucket would be full
 * anyway (in a fleet, it is read back at the next exchange).
 */
public final class RateLimiter implements AutoCloseable {

  /** How often a gateway of a fleet exchanges its counts with the others. */
  public static final Duration SYNC_PERIOD = Duration.ofMillis(200);

  /**
   * How long a gateway of a fleet keeps reading back a participant's buckets after it was last
   * asked about it: one it serves at least this often is always decided on a count at most two sync
   * periods old.
   */
  static final Duration WARM = Duration.ofMinutes(1);

  /** Distinct participants remembered per route; the IDX has hundreds. */
  private static final long MAX_PARTICIPANTS_PER_ROUTE = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  /** The limiter's time: a monotonic clock to count by, the wall clock to agree with others. */
  interface Clock {
    long nanoTime();

    long epochMicros();

    Clock SYSTEM =
        new Clock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public long epochMicros() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
          }
        };
  }

  private final Map<Route, Limits> limits = new IdentityHashMap<>();
  private final SharedBuckets shared;
  private final Clock clock;

  /** In a fleet, the allowances asked about in the last {@link #WARM}: read back at each sync. */
  private final Set<Allowance> warm = ConcurrentHashMap.newKeySet();

  private final Object syncing = new Object();
  private boolean alone; // guarded by syncing: the last exchange failed
  private ScheduledExecutorService scheduler; // guarded by this

  /** Limits for the routes of {@code table}, counted in this gateway only. */
  public RateLimiter(RouteTable table) {
    this(table, null, Clock.SYSTEM);
  }

  /**
   * Limits for the routes of {@code table}, shared with the other gateways of {@code shared} once
   * {@link #start() started}.
   */
  public RateLimiter(RouteTable table, SharedBuckets shared) {
    this(table, shared, Clock.SYSTEM);
  }

  /** As {@link #RateLimiter(RouteTable)}, on {@code clock} (for tests). */
  RateLimiter(RouteTable table, Clock clock) {
    this(table, null, clock);
  }

  /** As {@link #RateLimiter(RouteTable, SharedBuckets)}, on {@code clock} (for tests). */
  RateLimiter(RouteTable table, SharedBuckets shared, Clock clock) {
    this.shared = shared;
    this.clock = clock;
    for (Route route : table.routes()) {
      if (!route.rateLimits().isEmpty()) {
        limits.put(route, new Limits(route));
      }
    }
  }

  /**
   * Takes one call from {@code participant}'s allowance on {@code route}. Never waits for the
   * store: in a fleet, the count is exchanged afterwards.
   *
   * @return 0 when the call may go ahead; otherwise the whole seconds until it could (for {@code
   *     Retry-After}), and nothing was taken
   */
  public long acquire(Route route, String participant) {
    Limits of = limits.get(route);
    if (of == null) {
      return 0;
    }
    Allowance allowance = of.participants.get(participant, p -> new Allowance(of, p));
    long waitUs = allowance.take(clock.nanoTime() / 1_000, shared == null ? null : warm);
    return waitUs <= 0 ? 0 : Math.max(1, (waitUs + 999_999) / 1_000_000);
  }

  /** In a fleet, exchanges counts every {@link #SYNC_PERIOD} on a daemon thread until closed. */
  public synchronized void start() {
    if (shared == null || scheduler != null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "idx-auth-rate-limits");
              thread.setDaemon(true);
              return thread;
            });
    long period = SYNC_PERIOD.toMillis();
    scheduler.scheduleWithFixedDelay(this::sync, period, period, TimeUnit.MILLISECONDS);
  }

  /** Stops exchanging, after handing the last counts to the fleet. */
  @Override
  public synchronized void close() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
    sync();
  }

  /**
   * One exchange with the fleet, for the participants asked about in the last {@link #WARM}: adds
   * the cost of the calls let through here since the last, and takes the fleet's count as this
   * gateway's own. Never throws; a failure leaves this gateway counting alone until an exchange
   * succeeds.
   */
  void sync() {
    if (shared == null) {
      return;
    }
    synchronized (syncing) {
      long localUs = clock.nanoTime() / 1_000;
      long wallUs = clock.epochMicros();
      long coldBeforeUs = localUs - WARM.toNanos() / 1_000;
      List<Allowance> due = new ArrayList<>();
      Map<String, Long> costs = new HashMap<>();
      Set<String> read = new HashSet<>();
      for (Allowance allowance : warm) {
        if (allowance.drain(costs, read, coldBeforeUs, warm)) {
          due.add(allowance);
        }
      }
      if (due.isEmpty()) {
        return;
      }
      Map<String, Long> standing;
      try {
        standing = shared.exchange(costs, read, wallUs);
      } catch (RuntimeException e) {
        if (!alone) {
          alone = true;
          LOG.warn(
              "rate limits: the shared store cannot be reached ({}); this gateway counts alone"
                  + " until it answers again",
              e.getMessage());
        }
        return;
      }
      if (alone) {
        alone = false;
        LOG.info("rate limits: the shared store answers again; counting with the fleet");
      }
      long wallMinusLocal = wallUs - localUs;
      for (Allowance allowance : due) {
        allowance.adopt(standing, wallMinusLocal, localUs);
      }
    }
  }

  /** The limits of one route, and its participants' allowances. */
  private static final class Limits {
    final Route route;

    /** Per limit: what one call costs, window/calls, in microseconds (at least one). */
    final long[] costUs;

    /** Per limit: the bucket's size, calls × cost: how far ahead of now it may be full. */
    final long[] depthUs;

    final Cache<String, Allowance> participants;

    Limits(Route route) {
      this.route = route;
      List<Route.RateLimit> rateLimits = route.rateLimits();
      costUs = new long[rateLimits.size()];
      depthUs = new long[rateLimits.size()];
      Duration longest = Duration.ZERO;
      for (int i = 0; i < rateLimits.size(); i++) {
        Route.RateLimit limit = rateLimits.get(i);
        long windowUs = limit.window().toNanos() / 1_000;
        // Rounded up: a limit that does not divide its window keeps its burst, and a limit above
        // a million calls a second counts as a million.
        costUs[i] = Math.max(1, (windowUs + limit.calls() - 1) / limit.calls());
        depthUs[i] = costUs[i] * limit.calls();
        longest = longest.compareTo(limit.window()) < 0 ? limit.window() : longest;
      }
      participants =
          Caffeine.newBuilder()
              .maximumSize(MAX_PARTICIPANTS_PER_ROUTE)
              .expireAfterAccess(longest)
              .build();
    }
  }

  /** One participant's buckets on one route. */
  private static final class Allowance {
    final Limits limits;

    /** Per limit: the bucket's name in the fleet ({@code 50/minute RETAILER01 /pqd/v1/**}). */
    final String[] buckets;

    /** Per limit: when the bucket is full again, on the monotonic clock, in microseconds. */
    final long[] fullAtUs; // guarded by this

    long unsent; // guarded by this: calls let through since the last exchange
    long askedUs; // guarded by this: when it was last asked for a call, on the monotonic clock
    boolean warm; // guarded by this: in the limiter's warm set

    Allowance(Limits limits, String participant) {
      this.limits = limits;
      List<Route.RateLimit> rateLimits = limits.route.rateLimits();
      buckets = new String[rateLimits.size()];
      fullAtUs = new long[rateLimits.size()];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = rateLimits.get(i).text() + " " + participant + " " + limits.route.path();
        fullAtUs[i] = Long.MIN_VALUE;
      }
    }

    /**
     * Takes one call if every bucket holds one.
     *
     * @param warm in a fleet, the allowances to read back at the next exchanges; {@code null} alone
     * @return 0 or less when taken; otherwise the microseconds until every bucket holds one
     */
    synchronized long take(long nowUs, Set<Allowance> warm) {
      if (warm != null) {
        askedUs = nowUs;
        if (!this.warm) {
          this.warm = true;
          warm.add(this);
        }
      }
      long waitUs = 0;
      for (int i = 0; i < fullAtUs.length; i++) {
        long after = Math.max(fullAtUs[i], nowUs) + limits.costUs[i];
        waitUs = Math.max(waitUs, after - nowUs - limits.depthUs[i]);
      }
      if (waitUs > 0) {
        return waitUs;
      }
      for (int i = 0; i < fullAtUs.length; i++) {
        fullAtUs[i] = Math.max(fullAtUs[i], nowUs) + limits.costUs[i];
      }
      if (warm != null) {
        unsent++;
      }
      return 0;
    }

    /**
     * Hands the calls let through since the last exchange to {@code costs}, and the buckets to
     * {@code read}; or, when it was last asked about before {@code coldBeforeUs} and has nothing to
     * hand, leaves {@code warm}.
     *
     * @return whether it takes part in this exchange
     */
    synchronized boolean drain(
        Map<String, Long> costs, Set<String> read, long coldBeforeUs, Set<Allowance> warm) {
      if (unsent == 0 && askedUs < coldBeforeUs) {
        this.warm = false;
        warm.remove(this);
        return false;
      }
      for (int i = 0; i < buckets.length; i++) {
        read.add(buckets[i]);
        if (unsent > 0) {
          costs.merge(buckets[i], unsent * limits.costUs[i], Long::sum);
        }
      }
      unsent = 0;
      return true;
    }

    /**
     * Takes the fleet's count, as of {@code drainedUs}, plus the calls let through here since.
     *
     * @param standing the fleet's buckets, full again at these epoch microseconds
     * @param wallMinusLocal the wall clock less the monotonic one, in microseconds
     */
    synchronized void adopt(Map<String, Long> standing, long wallMinusLocal, long drainedUs) {
      for (int i = 0; i < buckets.length; i++) {
        Long fleetFullAtUs = standing.get(buckets[i]);
        long from =
            fleetFullAtUs == null ? drainedUs : Math.max(fleetFullAtUs - wallMinusLocal, drainedUs);
        fullAtUs[i] = from + unsent * limits.costUs[i];
      }
    }
  }
}
