package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.AccountPolicy;
import io.idxauth.core.ClientSecret;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upgrading a store made by an older version keeps it working. */
class MigrationTest {

  @TempDir Path dataDir;

  @Test
  void secrets_made_before_expiry_existed_get_a_full_max_age_from_the_upgrade() throws Exception {
    Files.createDirectories(dataDir);
    String url =
        TestDatabases.postgresql()
            ? TestDatabases.url(dataDir)
            : "jdbc:sqlite:" + dataDir.resolve(Database.SQLITE_FILE);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .placeholders(Map.of("upgrade_epoch_ms", "0"))
        .target("1")
        .load()
        .migrate();
    long madeLongAgo = Instant.now().minus(Duration.ofDays(120)).toEpochMilli();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO participant (id, name) VALUES ('P1', 'P')");
      s.executeUpdate(
          "INSERT INTO service_account (client_id, participant_id, enabled, created_at)"
              + " VALUES ('old-app', 'P1', TRUE, "
              + madeLongAgo
              + ")");
      s.executeUpdate(
          "INSERT INTO client_secret (id, client_id, hash, created_at) VALUES ('s1', 'old-app',"
              + " '$2b$04$abcdefghijklmnopqrstuuZ5H0Dvmrmz1yFZ4Uqmbd6TgVfuQP2oO', "
              + madeLongAgo
              + ")");
    }

    Instant upgrade = Instant.now();
    try (Database database = TestDatabases.open(dataDir)) {
      ClientSecret secret =
          new JdbcStore(database).account("old-app").orElseThrow().secrets().get(0);

      Instant expiry = AccountPolicy.DEFAULT.expiryOf(secret);
      assertThat(expiry).isAfterOrEqualTo(upgrade.plus(Duration.ofDays(90)).minusSeconds(5));
      assertThat(expiry).isBefore(upgrade.plus(Duration.ofDays(90)).plusSeconds(60));
    }
  }
}
