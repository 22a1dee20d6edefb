package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.AuditEvent;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail's store: batched writes that lose nothing on close, queries and retention. */
class AuditLogTest {

  @TempDir Path dataDir;

  private static AuditEvent event(Instant at, String kind, String clientId) {
    return new AuditEvent(
        0, at, kind, clientId, clientId, "RETAILER01", "192.0.2.1", Map.of("n", 1));
  }

  @Test
  void every_recorded_event_is_stored_by_the_time_the_log_closes() {
    Instant now = Instant.now();
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcStore store = new JdbcStore(database);
      AuditLog log = new AuditLog(store);
      for (int i = 0; i < 5000; i++) {
        log.record(event(now, AuditEvent.TOKEN_ISSUED, "app-" + (i % 10)));
      }
      log.close();

      AuditLog reader = new AuditLog(store);
      assertThat(reader.query(new AuditLog.Query(null, null, null, null, null, 500, null)).items())
          .hasSize(500);
      int total = 0;
      Long cursor = null;
      do {
        AuditLog.Page page =
            reader.query(new AuditLog.Query("app-3", null, "token.", null, null, 200, cursor));
        total += page.items().size();
        cursor = page.nextCursor() == null ? null : Long.parseLong(page.nextCursor());
      } while (cursor != null);
      assertThat(total).isEqualTo(500);
      assertThat(log.dropped()).isZero();
      reader.close();
    }
  }

  @Test
  void kind_matches_exactly_or_by_prefix_and_time_bounds_are_from_inclusive_to_exclusive() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    try (Database database = TestDatabases.open(dataDir)) {
      AuditLog log = new AuditLog(new JdbcStore(database));
      log.record(event(t0, "token.issued", "a"));
      log.record(event(t0.plusSeconds(60), "token.refused", "a"));
      log.record(event(t0.plusSeconds(120), "tokens.other", "a"));
      log.flush(Duration.ofSeconds(5));

      assertThat(query(log, "token.", null, null)).isEqualTo(2);
      assertThat(query(log, "token.issued", null, null)).isEqualTo(1);
      assertThat(query(log, "token", null, null)).isZero();
      assertThat(query(log, null, t0, t0.plusSeconds(60))).isEqualTo(1);
      assertThat(query(log, null, t0.plusSeconds(60), null)).isEqualTo(2);

      assertThat(log.purge(t0.plusSeconds(61))).isEqualTo(2);
      assertThat(query(log, null, null, null)).isEqualTo(1);
      log.close();
    }
  }

  private static int query(AuditLog log, String kind, Instant from, Instant to) {
    return log.query(new AuditLog.Query(null, null, kind, from, to, 500, null)).items().size();
  }
}
