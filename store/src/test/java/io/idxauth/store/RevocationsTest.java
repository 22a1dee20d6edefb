package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revoked tokens in the store: the feed's revisions, expiry and purging. */
class RevocationsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dataDir;

  private static Revocations.Token token(String jti, Instant exp) {
    return new Revocations.Token(jti, "retailer01-app", "RETAILER01", exp);
  }

  private static List<String> jtis(Revocations.Feed feed) {
    return feed.revoked().stream().map(Revocations.Revoked::jti).toList();
  }

  @Test
  void a_revocation_is_recorded_once_with_its_audit_event() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcStore store = new JdbcStore(database);
      Revocations revocations = new Revocations(store);

      assertThat(revocations.revoke(token("a", NOW.plusSeconds(600)), "app", null, NOW)).isTrue();
      assertThat(revocations.revoke(token("a", NOW.plusSeconds(600)), "app", null, NOW)).isFalse();

      assertThat(revocations.isRevoked("a")).isTrue();
      assertThat(revocations.isRevoked("b")).isFalse();
      assertThat(jtis(revocations.since(null, NOW))).containsExactly("a");
      AuditLog audit = new AuditLog(store);
      assertThat(
              audit
                  .query(
                      new AuditLog.Query(
                          null, null, Revocations.TOKEN_REVOKED, null, null, 10, null))
                  .items())
          .hasSize(1);
      audit.close();
    }
  }

  @Test
  void since_a_revision_only_later_revocations_are_listed() {
    try (Database database = TestDatabases.open(dataDir)) {
      Revocations revocations = new Revocations(new JdbcStore(database));
      revocations.revoke(token("a", NOW.plusSeconds(600)), "app", null, NOW);
      long seen = revocations.since(null, NOW).revision();
      revocations.revoke(token("b", NOW.plusSeconds(600)), "app", null, NOW);

      Revocations.Feed increment = revocations.since(seen, NOW);

      assertThat(jtis(increment)).containsExactly("b");
      assertThat(increment.revision()).isGreaterThan(seen);
      assertThat(jtis(revocations.since(increment.revision(), NOW))).isEmpty();
      assertThat(jtis(revocations.since(increment.revision() + 100, NOW)))
          .containsExactly("a", "b");
    }
  }

  @Test
  void expired_tokens_leave_the_feed_after_the_grace_and_are_purged() {
    try (Database database = TestDatabases.open(dataDir)) {
      Revocations revocations = new Revocations(new JdbcStore(database));
      revocations.revoke(token("short", NOW.plusSeconds(60)), "app", null, NOW);
      revocations.revoke(token("long", NOW.plusSeconds(3600)), "app", null, NOW);
      Instant justExpired = NOW.plusSeconds(61);
      Instant pastGrace = NOW.plusSeconds(60).plus(Revocations.GRACE).plusSeconds(1);

      // Within the grace a validator's leeway may still accept the token: it stays listed.
      assertThat(jtis(revocations.since(null, justExpired))).containsExactly("short", "long");
      assertThat(revocations.purgeExpired(justExpired)).isZero();

      assertThat(jtis(revocations.since(null, pastGrace))).containsExactly("long");
      assertThat(revocations.purgeExpired(pastGrace)).isEqualTo(1);
      assertThat(revocations.isRevoked("short")).isFalse();
      assertThat(revocations.isRevoked("long")).isTrue();
    }
  }

  @Test
  void revisions_are_not_reused_after_a_purge() {
    try (Database database = TestDatabases.open(dataDir)) {
      Revocations revocations = new Revocations(new JdbcStore(database));
      revocations.revoke(token("a", NOW.plusSeconds(3600)), "app", null, NOW);
      revocations.revoke(token("b", NOW.plusSeconds(60)), "app", null, NOW);
      long seen = revocations.since(null, NOW).revision();
      Instant later = NOW.plus(Duration.ofMinutes(10));
      revocations.purgeExpired(later);

      revocations.revoke(token("c", NOW.plusSeconds(3600)), "app", null, later);

      // "b", the latest row, is gone; "c" must still come after what the reader saw.
      assertThat(jtis(revocations.since(seen, later))).containsExactly("c");
    }
  }
}
