package io.idxauth.store;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.BusinessFunction;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.ServiceAccount;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports into a real SQLite store: all of a file or nothing, and the same file twice is a no-op.
 */
class ImporterTest {

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String BCRYPT = ProvisioningFileTest.BCRYPT;
  private static final String ARGON2ID = ProvisioningFileTest.ARGON2ID;

  @TempDir Path dataDir;

  private Database database;
  private JdbcStore store;
  private Importer importer;

  @BeforeEach
  void open() {
    database = TestDatabases.open(dataDir);
    store = new JdbcStore(database);
    importer = new Importer(store, HASHES, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void first_import_creates_everything_and_bumps_the_revision() throws Exception {
    long before = store.revision();

    Importer.Report report = importer.apply(parse(ProvisioningFileTest.EXAMPLE));

    assertThat(report.changedAnything()).isTrue();
    assertThat(report.counts())
        .containsExactly(
            Map.entry("participants", new Importer.Counts(2, 0, 0)),
            Map.entry("entities", new Importer.Counts(1, 0, 0)),
            Map.entry("accounts", new Importer.Counts(1, 0, 0)));
    assertThat(store.revision()).isGreaterThan(before);
    assertThat(store.participant("RETAILER02"))
        .contains(new Participant("RETAILER02", "Retailer Two"));
    assertThat(store.entities())
        .containsExactly(
            JdbcStoreAdminEntity.IDX_ADMIN,
            new Entity(
                "pqd", EntityKind.BUSINESS_FUNCTION, "Power quality data", Set.of(CREATE, READ)));
    AccountRecord account = store.account("retailer01-app").orElseThrow();
    assertThat(account.account().participantId()).isEqualTo("RETAILER01");
    assertThat(account.account().enabled()).isTrue();
    assertThat(account.secrets()).hasSize(1);
    assertThat(account.entitlements())
        .containsExactly(
            new Entitlement("pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(CREATE, READ)));
  }

  @Test
  void imported_plain_secret_is_stored_as_a_hash_that_verifies() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));

    ClientSecret stored = store.account("retailer01-app").orElseThrow().secrets().get(0);

    assertThat(stored.hash()).startsWith("$argon2id$").doesNotContain("plain text");
    assertThat(stored.expires()).isNull();
    assertThat(HASHES.verify("plain text", stored.hash())).isTrue();
    assertThat(HASHES.verify("other text", stored.hash())).isFalse();
  }

  @Test
  void importing_the_same_file_again_changes_nothing() throws Exception {
    Provisioning provisioning = parse(ProvisioningFileTest.EXAMPLE);
    importer.apply(provisioning);
    long revision = store.revision();
    AccountRecord before = store.account("retailer01-app").orElseThrow();

    Importer.Report again = importer.apply(provisioning);

    assertThat(again.changedAnything()).isFalse();
    assertThat(again.counts())
        .containsExactly(
            Map.entry("participants", new Importer.Counts(0, 0, 2)),
            Map.entry("entities", new Importer.Counts(0, 0, 1)),
            Map.entry("accounts", new Importer.Counts(0, 0, 1)));
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.account("retailer01-app")).contains(before);
  }

  @Test
  void reparsed_file_is_also_unchanged_on_reimport() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    long revision = store.revision();

    Importer.Report again =
        importer.apply(parse(ProvisioningFileTest.EXAMPLE, importer.existing()));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void changed_entitlement_is_updated_and_bumps_the_revision() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    long revision = store.revision();
    String narrower =
        ProvisioningFileTest.EXAMPLE
            .replace("participants: [RETAILER01, RETAILER02]", "participants: [RETAILER01]")
            .replace("operations: [read, create]", "operations: [read]");

    Importer.Report report = importer.apply(parse(narrower));

    assertThat(report.changedAnything()).isTrue();
    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 1, 0));
    assertThat(report.counts().get("participants")).isEqualTo(new Importer.Counts(0, 0, 2));
    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(store.account("retailer01-app").orElseThrow().entitlements())
        .containsExactly(new Entitlement("pqd", Set.of("RETAILER01"), Set.of(READ)));
  }

  @Test
  void unchanged_secret_is_not_rehashed_when_other_fields_change() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    String hash = store.account("retailer01-app").orElseThrow().secrets().get(0).hash();

    importer.apply(parse(ProvisioningFileTest.EXAMPLE.replace("enabled: true", "enabled: false")));

    AccountRecord account = store.account("retailer01-app").orElseThrow();
    assertThat(account.account().enabled()).isFalse();
    assertThat(account.secrets()).extracting(ClientSecret::hash).containsExactly(hash);
  }

  @Test
  void changed_secret_replaces_the_old_one() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    long revision = store.revision();

    Importer.Report report =
        importer.apply(parse(ProvisioningFileTest.EXAMPLE.replace("plain text", "new text")));

    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 1, 0));
    assertThat(store.revision()).isGreaterThan(revision);
    List<ClientSecret> secrets = store.account("retailer01-app").orElseThrow().secrets();
    assertThat(secrets).hasSize(1);
    assertThat(HASHES.verify("new text", secrets.get(0).hash())).isTrue();
    assertThat(HASHES.verify("plain text", secrets.get(0).hash())).isFalse();
  }

  @Test
  void imported_secret_hash_is_stored_as_given_and_reimports_unchanged() throws Exception {
    String withHash =
        ProvisioningFileTest.EXAMPLE.replace(
            "secret: \"plain text\"", "secretHash: \"" + ProvisioningFileTest.BCRYPT + "\"");
    importer.apply(parse(withHash));
    long revision = store.revision();

    Importer.Report again = importer.apply(parse(withHash));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    String stored = store.account("retailer01-app").orElseThrow().secrets().get(0).hash();
    assertThat(stored).isEqualTo(ProvisioningFileTest.BCRYPT);
    assertThat(HASHES.verify("imported-bcrypt-2b", stored)).isTrue();
  }

  @Test
  void account_without_secret_in_the_file_keeps_its_secret() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    String hash = store.account("retailer01-app").orElseThrow().secrets().get(0).hash();
    long revision = store.revision();

    Importer.Report report =
        importer.apply(parse(ProvisioningFileTest.EXAMPLE.replace("secret: \"plain text\"", "")));

    assertThat(report.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.account("retailer01-app").orElseThrow().secrets())
        .extracting(ClientSecret::hash)
        .containsExactly(hash);
  }

  @Test
  void refused_file_leaves_the_store_unchanged() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    long revision = store.revision();
    AccountRecord before = store.account("retailer01-app").orElseThrow();
    String bad =
        ProvisioningFileTest.EXAMPLE
            .replace("Retailer Two", "Renamed")
            .replace("operations: [read, create]", "operations: [read, delete]");

    assertThatThrownBy(() -> importer.apply(parse(bad, importer.existing())))
        .isInstanceOf(InvalidProvisioningException.class);

    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.participant("RETAILER02"))
        .contains(new Participant("RETAILER02", "Retailer Two"));
    assertThat(store.account("retailer01-app")).contains(before);
  }

  @Test
  void write_that_fails_part_way_leaves_nothing_behind() {
    long revision = store.revision();
    Entitlement pqd = new Entitlement("pqd", Set.of("RETAILER01"), Set.of(READ));
    // Not possible from a file (validation refuses it), so the failure happens in the database.
    Provisioning twiceEntitled =
        new Provisioning(
            List.of(new Participant("RETAILER01", "Retailer One")),
            Map.of(),
            List.of(new Entity("pqd", EntityKind.BUSINESS_FUNCTION, "", Set.of(READ))),
            List.of(
                new Provisioning.AccountSpec(
                    "retailer01-app",
                    "RETAILER01",
                    true,
                    Set.of(),
                    null,
                    "s3cret",
                    List.of(),
                    List.of(pqd, pqd))));

    assertThatThrownBy(() -> importer.apply(twiceEntitled)).isInstanceOf(StoreException.class);

    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.participant("RETAILER01")).isEmpty();
    assertThat(store.entities()).containsExactly(JdbcStoreAdminEntity.IDX_ADMIN);
    assertThat(store.account("retailer01-app")).isEmpty();
  }

  @Test
  void account_given_twice_is_refused_before_the_store_is_touched() throws Exception {
    Provisioning once = parse(ProvisioningFileTest.EXAMPLE);
    List<Provisioning.AccountSpec> twice =
        List.of(once.accounts().get(0), once.accounts().get(0).withSecret("other"));
    long revision = store.revision();

    assertThatThrownBy(() -> importer.apply(once.withAccounts(twice)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retailer01-app");

    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.participant("RETAILER01")).isEmpty();
  }

  @Test
  void file_may_refer_to_what_an_earlier_import_stored() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));
    String second =
        """
        accounts:
          - clientId: retailer02-app
            participant: RETAILER02
            secret: other
            entitlements:
              - entity: pqd
                participants: [RETAILER02]
                operations: [read]
        """;

    Importer.Report report = importer.apply(parse(second, importer.existing()));

    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(1, 0, 0));
    assertThat(store.account("retailer02-app").orElseThrow().entitlements())
        .containsExactly(new Entitlement("pqd", Set.of("RETAILER02"), Set.of(READ)));
    assertThat(store.account("retailer01-app")).isPresent();
  }

  // --- roles and token lifetime ------------------------------------------------------------------

  @Test
  void roles_and_token_lifetime_are_stored() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_ADMIN));

    ServiceAccount admin = store.account("retailer01-admin").orElseThrow().account();
    assertThat(admin.roles()).containsExactly(Role.PARTICIPANT_ADMIN);
    assertThat(admin.tokenLifetime()).isEqualTo(Duration.ofSeconds(600));
    assertThat(store.account("retailer01-app").orElseThrow().account().roles()).isEmpty();
  }

  @Test
  void changed_roles_or_token_lifetime_update_the_account_and_bump_the_revision() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_ADMIN));
    long revision = store.revision();
    String changed =
        ProvisioningFileTest.WITH_ADMIN
            .replace("[participant-admin]", "[operator-admin]")
            .replace("tokenLifetimeSeconds: 600", "tokenLifetimeSeconds: 300");

    Importer.Report report = importer.apply(parse(changed));

    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 1, 1));
    assertThat(store.revision()).isGreaterThan(revision);
    ServiceAccount admin = store.account("retailer01-admin").orElseThrow().account();
    assertThat(admin.roles()).containsExactly(Role.OPERATOR_ADMIN);
    assertThat(admin.tokenLifetime()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void account_without_roles_or_token_lifetime_in_the_file_has_none_after_the_import()
      throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_ADMIN));
    String plain =
        ProvisioningFileTest.WITH_ADMIN
            .replace("    roles: [participant-admin]\n", "")
            .replace("    tokenLifetimeSeconds: 600\n", "");

    importer.apply(parse(plain));

    ServiceAccount admin = store.account("retailer01-admin").orElseThrow().account();
    assertThat(admin.roles()).isEmpty();
    assertThat(admin.tokenLifetime()).isNull();
  }

  @Test
  void importing_roles_and_token_lifetime_again_changes_nothing() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_ADMIN));
    long revision = store.revision();

    Importer.Report again = importer.apply(parse(ProvisioningFileTest.WITH_ADMIN));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
  }

  // --- participant holdings ----------------------------------------------------------------------

  @Test
  void participant_entitlements_are_stored_as_its_holdings() throws Exception {
    Importer.Report report = importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));

    assertThat(report.counts().get("participants")).isEqualTo(new Importer.Counts(2, 0, 0));
    assertThat(holdings("RETAILER01"))
        .containsExactly(
            new Entitlement("pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(CREATE, READ)));
    assertThat(holdings("RETAILER02")).isEmpty();
  }

  @Test
  void importing_the_same_holdings_again_changes_nothing() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));
    long revision = store.revision();

    Importer.Report again = importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void changed_holdings_update_the_participant_and_bump_the_revision() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));
    long revision = store.revision();
    String narrower =
        ProvisioningFileTest.WITH_HOLDINGS.replace(
            "participants: [RETAILER01, RETAILER02]\n        operations: [create, read]",
            "participants: [RETAILER01]\n        operations: [read]");

    Importer.Report report = importer.apply(parse(narrower));

    assertThat(report.counts().get("participants")).isEqualTo(new Importer.Counts(0, 1, 1));
    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(holdings("RETAILER01"))
        .containsExactly(new Entitlement("pqd", Set.of("RETAILER01"), Set.of(READ)));
  }

  @Test
  void participant_without_entitlements_in_the_file_keeps_its_holdings() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));
    long revision = store.revision();

    Importer.Report report = importer.apply(parse(ProvisioningFileTest.EXAMPLE));

    assertThat(report.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(holdings("RETAILER01")).hasSize(1);
  }

  @Test
  void participant_with_empty_entitlements_in_the_file_holds_nothing() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_HOLDINGS));
    String emptied =
        ProvisioningFileTest.EXAMPLE.replace(
            "    name: Retailer One\n", "    name: Retailer One\n    entitlements: []\n");

    Importer.Report report = importer.apply(parse(emptied));

    assertThat(report.counts().get("participants")).isEqualTo(new Importer.Counts(0, 1, 1));
    assertThat(holdings("RETAILER01")).isEmpty();
  }

  // --- secretHashes ------------------------------------------------------------------------------

  @Test
  void secret_hashes_are_stored_as_given_without_expiry() throws Exception {
    Instant before = Instant.now();

    importer.apply(parse(withSecretHashes(BCRYPT, ARGON2ID)));

    List<ClientSecret> secrets = store.account("retailer01-app").orElseThrow().secrets();
    assertThat(secrets).extracting(ClientSecret::hash).containsExactlyInAnyOrder(BCRYPT, ARGON2ID);
    assertThat(secrets).allSatisfy(s -> assertThat(s.expires()).isNull());
    assertThat(secrets)
        .allSatisfy(
            s -> assertThat(s.created()).isAfterOrEqualTo(before.truncatedTo(ChronoUnit.MILLIS)));
    assertThat(HASHES.verify("imported-bcrypt-2b", BCRYPT)).isTrue();
  }

  @Test
  void the_secret_hashes_the_account_holds_in_any_order_change_nothing() throws Exception {
    importer.apply(parse(withSecretHashes(BCRYPT, ARGON2ID)));
    long revision = store.revision();
    AccountRecord before = store.account("retailer01-app").orElseThrow();

    Importer.Report again = importer.apply(parse(withSecretHashes(ARGON2ID, BCRYPT)));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.account("retailer01-app")).contains(before);
  }

  @Test
  void other_secret_hashes_replace_every_secret_the_account_holds() throws Exception {
    importer.apply(parse(withSecretHashes(BCRYPT, ARGON2ID)));
    long revision = store.revision();

    Importer.Report report = importer.apply(parse(withSecretHashes(ARGON2ID)));

    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 1, 0));
    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(store.account("retailer01-app").orElseThrow().secrets())
        .extracting(ClientSecret::hash)
        .containsExactly(ARGON2ID);
  }

  @Test
  void secret_hashes_replace_a_secret_made_from_a_plain_secret() throws Exception {
    importer.apply(parse(ProvisioningFileTest.EXAMPLE));

    importer.apply(parse(withSecretHashes(BCRYPT)));

    assertThat(store.account("retailer01-app").orElseThrow().secrets())
        .extracting(ClientSecret::hash)
        .containsExactly(BCRYPT);
  }

  @Test
  void plain_secret_replaces_two_held_secrets_even_when_one_of_them_matches() throws Exception {
    importer.apply(parse(withSecretHashes(BCRYPT, ARGON2ID)));

    importer.apply(parse(ProvisioningFileTest.EXAMPLE.replace("plain text", "imported-bcrypt-2b")));

    List<ClientSecret> secrets = store.account("retailer01-app").orElseThrow().secrets();
    assertThat(secrets).hasSize(1);
    assertThat(secrets.get(0).hash()).startsWith("$argon2id$");
    assertThat(HASHES.verify("imported-bcrypt-2b", secrets.get(0).hash())).isTrue();
  }

  // --- business functions: title and resources --------------------------------------------------

  @Test
  void title_and_resources_are_stored_and_the_same_file_again_changes_nothing() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES));
    long revision = store.revision();

    Importer.Report again = importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES));

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(catalogue("pqd"))
        .isEqualTo(parse(ProvisioningFileTest.WITH_RESOURCES).catalogue("pqd"));
    assertThat(new BusinessFunctions(store).get("pqd").orElseThrow())
        .satisfies(
            pqd -> {
              assertThat(pqd.name()).isEqualTo("Power Quality Data");
              assertThat(pqd.description()).isEqualTo("Power quality data");
              assertThat(pqd.resources())
                  .extracting(BusinessFunction.Resource::resource)
                  .containsExactly("PowerQualityAlarm", "PowerQualityData");
            });
  }

  @Test
  void changed_resource_updates_the_entity_and_bumps_the_revision() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES));
    long revision = store.revision();

    Importer.Report report =
        importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES.replace("'1.1'", "'2.0'")));

    assertThat(report.counts().get("entities")).isEqualTo(new Importer.Counts(0, 1, 0));
    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(catalogue("pqd").resources().get(1).schemaVersions()).containsExactly("1.0", "2.0");
  }

  @Test
  void entity_whose_file_entry_leaves_out_title_and_resources_loses_them() throws Exception {
    importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES));

    Importer.Report report = importer.apply(parse(ProvisioningFileTest.EXAMPLE));

    assertThat(report.counts().get("entities")).isEqualTo(new Importer.Counts(0, 1, 0));
    assertThat(catalogue("pqd")).isEqualTo(Provisioning.Catalogue.NONE);
    assertThat(new BusinessFunctions(store).get("pqd").orElseThrow().name())
        .isEqualTo("Power quality data");
  }

  @Test
  void business_functions_are_read_again_after_invalidation_only() throws Exception {
    BusinessFunctions catalogue = new BusinessFunctions(store);
    assertThat(catalogue.all()).isEmpty();
    importer.apply(parse(ProvisioningFileTest.WITH_RESOURCES));

    assertThat(catalogue.all()).isEmpty();
    catalogue.invalidate();

    assertThat(catalogue.all()).extracting(BusinessFunction::id).containsExactly("pqd");
  }

  private Provisioning.Catalogue catalogue(String entity) {
    return store.read(c -> BusinessFunctions.catalogue(c, entity));
  }

  private static String withSecretHashes(String... hashes) {
    return ProvisioningFileTest.EXAMPLE.replace(
        "secret: \"plain text\"", "secretHashes: [\"" + String.join("\", \"", hashes) + "\"]");
  }

  private List<Entitlement> holdings(String participantId) {
    return store.read(c -> JdbcStore.holdings(c, participantId));
  }

  private static Provisioning parse(String yaml) throws InvalidProvisioningException {
    return ProvisioningFileTest.parse(yaml);
  }

  private static Provisioning parse(String yaml, ProvisioningFile.Existing existing)
      throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), existing);
  }
}
