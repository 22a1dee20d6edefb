package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcRateUsage;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.StoreException;
import io.idxauth.store.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Gateways of one fleet sharing their rate limits through the store ({@link JdbcRateUsage} on the
 * test database), on a clock the test moves by hand and with exchanges the test triggers.
 */
class RateLimiterFleetTest {

  static final long SYNC_MS = RateLimiter.SYNC_PERIOD.toMillis();

  @TempDir Path dataDir;

  final RateLimiterTest.ManualTime time = new RateLimiterTest.ManualTime();
  Database database;
  JdbcRateUsage usage;

  @BeforeEach
  void open() {
    database = TestDatabases.open(dataDir);
    usage = new JdbcRateUsage(new JdbcStore(database));
  }

  @AfterEach
  void close() {
    database.close();
  }

  static RouteTable table(String limits) throws RouteTable.Invalid {
    return RouteTable.parse(
        ("routes: [{path: /a/**, upstream: 'http://x', entity: a, rateLimits: [" + limits + "]}]")
            .getBytes(StandardCharsets.UTF_8));
  }

  RateLimiter gateway(RouteTable table) {
    return new RateLimiter(table, usage::exchange, time);
  }

  /** Every gateway hands its counts to the store, then every gateway reads the fleet's. */
  static void exchange(RateLimiter... gateways) {
    for (RateLimiter gateway : gateways) {
      gateway.sync();
    }
    for (RateLimiter gateway : gateways) {
      gateway.sync();
    }
  }

  @Test
  void calls_through_two_gateways_count_against_one_limit() throws Exception {
    RouteTable table = table("4/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    RateLimiter b = gateway(table);

    for (RateLimiter gateway : List.of(a, b, a, b)) {
      assertThat(gateway.acquire(route, "P")).isZero();
      exchange(a, b);
    }

    // Four calls in all: each gateway alone would still allow two more.
    assertThat(a.acquire(route, "P")).isEqualTo(15);
    assertThat(b.acquire(route, "P")).isEqualTo(15);
  }

  @Test
  void the_bucket_refills_for_the_whole_fleet() throws Exception {
    RouteTable table = table("2/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    RateLimiter b = gateway(table);
    assertThat(a.acquire(route, "P")).isZero();
    assertThat(a.acquire(route, "P")).isZero();
    assertThat(b.acquire(route, "P")).isZero(); // b has not heard of P yet: see below
    exchange(a, b);
    assertThat(b.acquire(route, "P")).isEqualTo(60); // three taken: the third is owed
    exchange(a, b);

    time.advance(Duration.ofSeconds(60));
    assertThat(b.acquire(route, "P")).isZero();
    exchange(a, b);
    assertThat(a.acquire(route, "P")).isEqualTo(30);
  }

  @Test
  void calls_let_through_before_an_exchange_are_owed_after_it() throws Exception {
    RouteTable table = table("3/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    RateLimiter b = gateway(table);

    // Within one sync period each gateway sees only its own calls: six go through, not three.
    for (int i = 0; i < 3; i++) {
      assertThat(a.acquire(route, "P")).isZero();
      assertThat(b.acquire(route, "P")).isZero();
    }
    assertThat(a.acquire(route, "P")).isEqualTo(20);
    exchange(a, b);

    // The three extra calls are paid back: 20 s for the next call, plus 3 × 20 s.
    assertThat(a.acquire(route, "P")).isEqualTo(80);
    assertThat(b.acquire(route, "P")).isEqualTo(80);
    time.advance(Duration.ofSeconds(80));
    assertThat(b.acquire(route, "P")).isZero();
  }

  @Test
  void a_refused_call_takes_nothing_from_the_fleet() throws Exception {
    RouteTable table = table("2/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    RateLimiter b = gateway(table);
    assertThat(a.acquire(route, "P")).isZero();
    assertThat(b.acquire(route, "P")).isZero();
    exchange(a, b);
    for (int i = 0; i < 5; i++) {
      assertThat(a.acquire(route, "P")).isEqualTo(30);
      assertThat(b.acquire(route, "P")).isEqualTo(30);
      exchange(a, b);
    }

    time.advance(Duration.ofSeconds(30));
    assertThat(a.acquire(route, "P")).isZero();
    exchange(a, b);
    assertThat(b.acquire(route, "P")).isEqualTo(30);
  }

  @Test
  void each_participant_and_limit_has_its_own_bucket_in_the_fleet() throws Exception {
    RouteTable table = table("2/second, 3/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    RateLimiter b = gateway(table);

    assertThat(a.acquire(route, "P")).isZero();
    assertThat(a.acquire(route, "Q")).isZero();
    exchange(a, b);
    assertThat(b.acquire(route, "P")).isZero();
    exchange(a, b);
    assertThat(a.acquire(route, "P")).isEqualTo(1); // the per-second limit
    time.advance(Duration.ofSeconds(1));
    assertThat(a.acquire(route, "P")).isZero();
    exchange(a, b);
    time.advance(Duration.ofSeconds(1));
    assertThat(b.acquire(route, "P")).isEqualTo(18); // now the per-minute one: 20 s a call
    assertThat(a.acquire(route, "P")).isEqualTo(18);
    assertThat(a.acquire(route, "Q")).isZero(); // Q has used one of three
  }

  @Test
  void a_gateway_that_joins_takes_the_fleets_count_at_its_first_exchange() throws Exception {
    RouteTable table = table("3/minute");
    Route route = table.routes().get(0);
    RateLimiter a = gateway(table);
    for (int i = 0; i < 3; i++) {
      assertThat(a.acquire(route, "P")).isZero();
    }
    a.sync();

    RateLimiter c = gateway(table);
    // Until it has exchanged, a gateway decides on what it knows: nothing of P.
    assertThat(c.acquire(route, "P")).isZero();
    exchange(a, c);
    assertThat(c.acquire(route, "P")).isEqualTo(40); // 20 s, plus the one call it let through
  }

  @Test
  void without_the_store_each_gateway_counts_alone_then_rejoins_by_itself() throws Exception {
    RouteTable table = table("4/minute");
    Route route = table.routes().get(0);
    AtomicBoolean down = new AtomicBoolean();
    SharedBuckets flaky =
        (costs, read, now) -> {
          if (down.get()) {
            throw new StoreException("connection refused", null);
          }
          return usage.exchange(costs, read, now);
        };
    RateLimiter a = new RateLimiter(table, flaky, time);
    RateLimiter b = new RateLimiter(table, flaky, time);
    ListAppender<ILoggingEvent> logs = listen();
    try {
      assertThat(a.acquire(route, "P")).isZero();
      assertThat(a.acquire(route, "P")).isZero();
      exchange(a, b);

      down.set(true);
      // a knows two were taken; b knows nothing: each lets through what it knows to be left.
      assertThat(a.acquire(route, "P")).isZero();
      assertThat(a.acquire(route, "P")).isZero();
      exchange(a, b);
      assertThat(a.acquire(route, "P")).isEqualTo(15);
      for (int i = 0; i < 4; i++) {
        assertThat(b.acquire(route, "P")).isZero();
        exchange(a, b);
      }
      assertThat(b.acquire(route, "P")).isEqualTo(15);
      assertThat(warnings(logs)).hasSize(2); // once per gateway, however many exchanges fail

      down.set(false);
      exchange(a, b);
      // The store holds the two calls made before it went away, not those made without it.
      assertThat(a.acquire(route, "P")).isZero();
      exchange(a, b);
      assertThat(b.acquire(route, "P")).isZero();
      exchange(a, b);
      assertThat(a.acquire(route, "P")).isEqualTo(15);
      assertThat(b.acquire(route, "P")).isEqualTo(15);
      assertThat(warnings(logs)).hasSize(2);
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.INFO)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "rate limits: the shared store answers again; counting with the fleet",
              "rate limits: the shared store answers again; counting with the fleet");
    } finally {
      ((Logger) LoggerFactory.getLogger(RateLimiter.class)).detachAppender(logs);
    }
  }

  /**
   * The over-admission bound, measured: a participant calls three gateways in turn, faster than its
   * limit, for two minutes of the test's clock, while each gateway exchanges every sync period (out
   * of step with the others). Past its limit, the fleet lets through at most the calls made to the
   * other gateways in two sync periods, and never more than (gateways − 1) × the bucket. What it
   * let through beyond the limit is paid back: at the end, once the participant has called at the
   * limit's pace for a while, the excess is at most (gateways − 1), one refilled call that each
   * gateway took before it heard of the others.
   */
  @Test
  void past_the_limit_a_fleet_lets_through_at_most_two_sync_periods_of_calls() throws Exception {
    // 50 calls a second against 60/minute (one a second after a burst of 60): in 2 × 200 ms, the
    // other two gateways get 2/3 of 20 calls, less than (3 - 1) × 60.
    Overrun slow = overrun(3, 50, "60/minute", "SLOW");
    assertThat(slow.most()).isLessThanOrEqualTo(13);
    assertThat(slow.atEnd()).isLessThanOrEqualTo(2);

    // 1000 calls a second: the others get 267 in two sync periods; their buckets hold it to 120.
    Overrun fast = overrun(3, 1000, "60/minute", "FAST");
    assertThat(fast.most()).isLessThanOrEqualTo(120);
    assertThat(fast.atEnd()).isLessThanOrEqualTo(2);
  }

  /** What a fleet let through beyond one bucket: at worst, and at the end. */
  record Overrun(long most, long atEnd) {}

  Overrun overrun(int gateways, int callsPerSecond, String limit, String participant)
      throws Exception {
    RouteTable table = table(limit);
    Route route = table.routes().get(0);
    Route.RateLimit rate = route.rateLimits().get(0);
    List<RateLimiter> fleet = new ArrayList<>();
    for (int g = 0; g < gateways; g++) {
      fleet.add(gateway(table));
    }
    long start = time.nanos.get();
    long allowed = 0;
    long most = Long.MIN_VALUE;
    long excess = 0;
    long millisPerCall = 1000 / callsPerSecond;
    for (long ms = 0, call = 0; ms < 120_000; ms++) {
      if (ms % millisPerCall == 0) {
        if (fleet.get((int) (call++ % gateways)).acquire(route, participant) == 0) {
          allowed++;
        }
        // One bucket alone: its size, plus a call each time a cost has elapsed since the start.
        long limitSoFar =
            rate.calls() + (time.nanos.get() - start) * rate.calls() / rate.window().toNanos();
        excess = allowed - limitSoFar;
        most = Math.max(most, excess);
      }
      for (int g = 0; g < gateways; g++) {
        if ((ms + g * SYNC_MS / gateways) % SYNC_MS == 0) {
          fleet.get(g).sync();
        }
      }
      time.advance(Duration.ofMillis(1));
    }
    return new Overrun(most, excess);
  }

  static ListAppender<ILoggingEvent> listen() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RateLimiter.class);
    logger.setLevel(Level.INFO);
    logger.addAppender(logs);
    return logs;
  }

  static List<ILoggingEvent> warnings(ListAppender<ILoggingEvent> logs) {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }
}
