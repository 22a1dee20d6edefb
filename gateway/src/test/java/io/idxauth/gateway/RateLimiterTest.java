package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  /** A clock the test moves by hand. */
  static final class ManualTime implements RateLimiter.Clock {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public long epochMicros() {
      return 1_772_359_200_000_000L + nanos.get() / 1_000; // from 2026-03-01T10:00:00Z
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  final ManualTime time = new ManualTime();

  static RouteTable table(String yaml) throws RouteTable.Invalid {
    return RouteTable.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void calls_within_the_limit_pass_and_the_next_waits_for_the_refill() throws Exception {
    RouteTable table =
        table("routes: [{path: /a/**, upstream: 'http://x', entity: a, rateLimits: [3/minute]}]");
    RateLimiter limiter = new RateLimiter(table, time);
    Route a = table.routes().get(0);

    assertThat(limiter.acquire(a, "RETAILER01")).isZero();
    assertThat(limiter.acquire(a, "RETAILER01")).isZero();
    assertThat(limiter.acquire(a, "RETAILER01")).isZero();
    // 3/minute refills one call every 20 s.
    assertThat(limiter.acquire(a, "RETAILER01")).isEqualTo(20);

    time.advance(Duration.ofSeconds(19));
    assertThat(limiter.acquire(a, "RETAILER01")).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(limiter.acquire(a, "RETAILER01")).isZero();
  }

  @Test
  void each_participant_has_its_own_allowance() throws Exception {
    RouteTable table =
        table("routes: [{path: /a/**, upstream: 'http://x', entity: a, rateLimits: [1/hour]}]");
    RateLimiter limiter = new RateLimiter(table, time);
    Route a = table.routes().get(0);

    assertThat(limiter.acquire(a, "RETAILER01")).isZero();
    assertThat(limiter.acquire(a, "RETAILER01")).isEqualTo(3600);
    assertThat(limiter.acquire(a, "RETAILER02")).isZero();
  }

  @Test
  void each_route_has_its_own_allowance() throws Exception {
    RouteTable table =
        table(
            """
            routes:
              - {path: /a/**, upstream: 'http://x', entity: a, rateLimits: [1/day]}
              - {path: /b/**, upstream: 'http://x', entity: b, rateLimits: [1/day]}
            """);
    RateLimiter limiter = new RateLimiter(table, time);

    assertThat(limiter.acquire(table.routes().get(0), "RETAILER01")).isZero();
    assertThat(limiter.acquire(table.routes().get(1), "RETAILER01")).isZero();
    assertThat(limiter.acquire(table.routes().get(0), "RETAILER01")).isEqualTo(86_400);
  }

  @Test
  void every_limit_of_a_route_applies() throws Exception {
    RouteTable table =
        table(
            "routes: [{path: /a/**, upstream: 'http://x', entity: a,"
                + " rateLimits: [2/second, 3/minute]}]");
    RateLimiter limiter = new RateLimiter(table, time);
    Route a = table.routes().get(0);

    assertThat(limiter.acquire(a, "P")).isZero();
    assertThat(limiter.acquire(a, "P")).isZero();
    assertThat(limiter.acquire(a, "P")).isEqualTo(1); // the per-second limit
    time.advance(Duration.ofSeconds(1));
    assertThat(limiter.acquire(a, "P")).isZero();
    time.advance(Duration.ofSeconds(1));
    assertThat(limiter.acquire(a, "P")).isEqualTo(18); // now the per-minute one: 20 s a call
  }

  @Test
  void a_route_without_limits_is_never_limited() throws Exception {
    RouteTable table = table("routes: [{path: /a/**, upstream: 'http://x', entity: null}]");
    RateLimiter limiter = new RateLimiter(table, time);
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.acquire(table.routes().get(0), "P")).isZero();
    }
  }

  @Test
  void a_refused_call_takes_nothing() throws Exception {
    RouteTable table =
        table("routes: [{path: /a/**, upstream: 'http://x', entity: a, rateLimits: [1/minute]}]");
    RateLimiter limiter = new RateLimiter(table, time);
    Route a = table.routes().get(0);
    assertThat(limiter.acquire(a, "P")).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire(a, "P")).isEqualTo(60);
    }
    time.advance(Duration.ofMinutes(1));
    assertThat(limiter.acquire(a, "P")).isZero();
  }
}
