package io.idxauth.store;

import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.Entitlement;
import io.idxauth.core.SecretHashes;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

  private Provisioning parse(String yaml) throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), otherProcess.existing());
  }
}
