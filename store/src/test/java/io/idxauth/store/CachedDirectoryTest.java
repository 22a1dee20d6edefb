package io.idxauth.store;

import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idxauth.core.Entitlement;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.testing.MutableClock;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token path's cached view of the store. The scheduled poll is set to an hour so that only the
 * test's own {@code poll()} calls run.
 */
class CachedDirectoryTest {

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final Duration NEVER_DURING_THE_TEST = Duration.ofHours(1);

  @TempDir Path dataDir;

  private Database serving;
  private Database admin;
  private CachedDirectory directory;
  private Importer otherProcess;

  @BeforeEach
  void open() {
    serving = TestDatabases.open(dataDir);
    admin = TestDatabases.open(dataDir);
    directory = new CachedDirectory(new JdbcStore(serving), 100, NEVER_DURING_THE_TEST);
    otherProcess = new Importer(new JdbcStore(admin), HASHES, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    directory.close();
    admin.close();
    serving.close();
  }

  @Test
  void import_by_another_process_becomes_visible_after_a_poll() throws Exception {
    assertThat(directory.account("retailer01-app")).isEmpty();
    assertThat(directory.entity("pqd")).isEmpty();

    otherProcess.apply(parse(ProvisioningFileTest.EXAMPLE));
    directory.poll();

    assertThat(directory.account("retailer01-app")).isPresent();
    assertThat(directory.entity("pqd")).isPresent();
    assertThat(directory.entityNames()).containsExactly("idx-admin", "pqd");
    assertThat(directory.storeReachable()).isTrue();
  }

  @Test
  void cached_view_holds_until_the_poll() throws Exception {
    assertThat(directory.account("retailer01-app")).isEmpty();

    otherProcess.apply(parse(ProvisioningFileTest.EXAMPLE));

    assertThat(directory.account("retailer01-app")).isEmpty();
    assertThat(directory.entityNames()).containsExactly("idx-admin");
  }

  @Test
  void changed_entitlement_becomes_visible_after_a_poll() throws Exception {
    otherProcess.apply(parse(ProvisioningFileTest.EXAMPLE));
    directory.poll();
    assertThat(directory.account("retailer01-app").orElseThrow().entitlements())
        .singleElement()
        .extracting(Entitlement::operations)
        .isNotEqualTo(Set.of(READ));

    otherProcess.apply(
        parse(
            ProvisioningFileTest.EXAMPLE.replace(
                "operations: [read, create]", "operations: [read]")));
    directory.poll();

    assertThat(directory.account("retailer01-app").orElseThrow().entitlements())
        .containsExactly(new Entitlement("pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(READ)));
  }

  @Test
  void unreachable_store_is_reported_and_the_cache_keeps_serving() throws Exception {
    otherProcess.apply(parse(ProvisioningFileTest.EXAMPLE));
    directory.poll();
    assertThat(directory.account("retailer01-app")).isPresent();

    serving.close();
    directory.poll();

    assertThat(directory.storeReachable()).isFalse();
    assertThat(directory.account("retailer01-app")).isPresent();
    assertThat(directory.entity("pqd")).isPresent();
  }

  private static final String TWO_ACCOUNTS =
      ProvisioningFileTest.EXAMPLE
          + """
            - clientId: retailer02-app
              participant: RETAILER02
              secret: "other text"
          """;

  @Test
  void admin_change_to_one_account_drops_that_account_alone() throws Exception {
    otherProcess.apply(parse(TWO_ACCOUNTS));
    directory.poll();
    assertThat(directory.account("retailer01-app").orElseThrow().account().enabled()).isTrue();
    assertThat(directory.account("retailer02-app")).isPresent();

    new AdminStore(new JdbcStore(admin), io.idxauth.core.AccountPolicy.DEFAULT)
        .updateAccount(
            "retailer01-app",
            a ->
                new io.idxauth.core.ServiceAccount(
                    a.clientId(), a.participantId(), false, a.roles(), a.tokenLifetime()),
            new AdminStore.Actor("ops", null));
    directory.poll();

    assertThat(directory.cachedAccount("retailer01-app")).isEmpty();
    assertThat(directory.cachedAccount("retailer02-app")).isPresent();
    assertThat(directory.account("retailer01-app").orElseThrow().account().enabled()).isFalse();
  }

  @Test
  void changes_no_longer_on_record_drop_everything() throws Exception {
    otherProcess.apply(parse(TWO_ACCOUNTS));
    directory.poll();
    directory.account("retailer01-app");
    directory.account("retailer02-app");
    JdbcStore store = new JdbcStore(admin);
    new AdminStore(store, io.idxauth.core.AccountPolicy.DEFAULT)
        .updateAccount("retailer01-app", a -> a, new AdminStore.Actor("ops", null));

    store.purgeChanges(Instant.now().plusSeconds(60));
    directory.poll();

    assertThat(directory.cachedAccount("retailer01-app")).isEmpty();
    assertThat(directory.cachedAccount("retailer02-app")).isEmpty();
  }

  @Test
  void through_an_outage_accounts_in_memory_are_served_for_the_grace_and_no_longer()
      throws Exception {
    otherProcess.apply(parse(TWO_ACCOUNTS));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
    try (CachedDirectory graced =
        new CachedDirectory(
            new JdbcStore(serving),
            new CachedDirectory.Settings(
                100, NEVER_DURING_THE_TEST, Duration.ZERO, Duration.ofMinutes(5)),
            clock)) {
      graced.account("retailer01-app");

      serving.close();
      graced.poll();

      assertThat(graced.serving()).isTrue();
      assertThat(graced.unreachableSince()).isEqualTo(clock.instant());
      assertThat(graced.account("retailer01-app")).isPresent();
      // Not in memory: refused at once, without waiting for a connection.
      assertThatThrownBy(() -> graced.account("retailer02-app"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("not in memory");

      clock.advance(Duration.ofMinutes(5));

      assertThat(graced.serving()).isFalse();
      assertThatThrownBy(() -> graced.account("retailer01-app"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("store-outage-grace");
    }
  }

  @Test
  void account_unused_for_the_idle_expiry_leaves_memory() throws Exception {
    otherProcess.apply(parse(TWO_ACCOUNTS));
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    try (CachedDirectory idle =
        new CachedDirectory(
            new JdbcStore(serving),
            new CachedDirectory.Settings(
                100, NEVER_DURING_THE_TEST, Duration.ofHours(1), Duration.ofMinutes(1)),
            Clock.systemUTC(),
            nanos::get)) {
      idle.account("retailer01-app");
      idle.account("retailer02-app");

      nanos.addAndGet(Duration.ofMinutes(59).toNanos());
      idle.account("retailer01-app");
      nanos.addAndGet(Duration.ofMinutes(2).toNanos());

      assertThat(idle.cachedAccount("retailer01-app")).isPresent();
      assertThat(idle.cachedAccount("retailer02-app")).isEmpty();
    }
  }

  private Provisioning parse(String yaml) throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), otherProcess.existing());
  }
}
