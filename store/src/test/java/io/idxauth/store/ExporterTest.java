package io.idxauth.store;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.EXECUTE;
import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export is a provisioning file of the whole store: importing it back changes nothing, and a
 * store made from it exports the same text.
 */
class ExporterTest {

  private static final Instant IMPORTED = Instant.parse("2026-03-01T10:00:00Z");

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String BCRYPT = ProvisioningFileTest.BCRYPT;

  /** A store's worth of everything the format holds, written out of order on purpose. */
  private static final String FILE =
      """
      participants:
        - id: RETAILER02
          name: Retailer Two
        - id: RETAILER01
          name: Retailer One
          entitlements:
            - entity: sord
              participants: [RETAILER01]
              operations: [update, read]
            - entity: pqd
              participants: [RETAILER02, RETAILER01]
              operations: [read, create]
      entities:
        - name: sord
          kind: business-function
          operations: [update, read, create]
        - name: pqd
          kind: business-function
          description: Power quality data
          title: Power Quality Data
          operations: [read, create]
          resources:
            - resource: PowerQualityData
              schemaVersions: ['1.0', '1.1']
              payloadTypes: [application/json, text/csv]
              retention: P7Y
            - resource: PowerQualityAlarm
              schemaVersions: [1.0-beta]
              payloadTypes: [application/json]
              retention: P1Y6M
      accounts:
        - clientId: retailer01-app
          participant: RETAILER01
          secretHashes: ["%s", "%s"]
          entitlements:
            - entity: sord
              participants: [RETAILER01]
              operations: [read]
            - entity: pqd
              participants: [RETAILER02, RETAILER01]
              operations: [read]
        - clientId: retailer01-admin
          participant: RETAILER01
          enabled: false
          roles: [participant-admin, operator-admin]
          tokenLifetimeSeconds: 900
      """;

  @TempDir Path dir;

  private Database database;
  private JdbcStore store;
  private Importer importer;
  private String argon2id;

  @BeforeEach
  void open() {
    database = TestDatabases.open(dir.resolve("a"));
    store = new JdbcStore(database);
    importer = new Importer(store, HASHES, Clock.fixed(IMPORTED, ZoneOffset.UTC));
    argon2id = HASHES.hash("second secret");
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void export_is_the_import_format_in_a_fixed_order() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));

    String export = new Exporter(store).export();

    assertThat(export)
        .isEqualTo(
            """
            # idx-auth export: the whole store as a provisioning file for `idx-auth import`.
            # It holds the hashes of every account's secrets: keep it as safe as the store itself.
            participants:
              - id: RETAILER01
                name: Retailer One
                entitlements:
                  - entity: pqd
                    participants: [RETAILER01, RETAILER02]
                    operations: [create, read]
                  - entity: sord
                    participants: [RETAILER01]
                    operations: [read, update]
              - id: RETAILER02
                name: Retailer Two
                entitlements: []
            entities:
              - name: pqd
                kind: business-function
                description: Power quality data
                title: Power Quality Data
                operations: [create, read]
                resources:
                  - resource: PowerQualityAlarm
                    schemaVersions: [1.0-beta]
                    payloadTypes: [application/json]
                    retention: P1Y6M
                  - resource: PowerQualityData
                    schemaVersions: ['1.0', '1.1']
                    payloadTypes: [application/json, text/csv]
                    retention: P7Y
              - name: sord
                kind: business-function
                operations: [create, read, update]
            accounts:
              - clientId: retailer01-admin
                participant: RETAILER01
                enabled: false
                roles: [operator-admin, participant-admin]
                tokenLifetimeSeconds: 900
                entitlements: []
              - clientId: retailer01-app
                participant: RETAILER01
                enabled: true
                secretHashes:
                  - hash: %s
                    created: '2026-03-01T10:00:00Z'
                  - hash: %s
                    created: '2026-03-01T10:00:00Z'
                entitlements:
                  - entity: pqd
                    participants: [RETAILER01, RETAILER02]
                    operations: [read]
                  - entity: sord
                    participants: [RETAILER01]
                    operations: [read]
            """
                .formatted(BCRYPT, argon2id));
  }

  @Test
  void export_of_an_empty_store_has_no_items_and_leaves_out_the_reserved_entity() {
    assertThat(new Exporter(store).export())
        .isEqualTo(Exporter.HEADER + "participants: []\nentities: []\naccounts: []\n");
  }

  @Test
  void importing_the_export_into_the_same_store_changes_nothing() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));
    long revision = store.revision();

    Importer.Report report = importer.apply(parse(new Exporter(store).export(), importer));

    assertThat(report.changedAnything()).isFalse();
    assertThat(report.counts())
        .containsExactly(
            Map.entry("participants", new Importer.Counts(0, 0, 2)),
            Map.entry("entities", new Importer.Counts(0, 0, 2)),
            Map.entry("accounts", new Importer.Counts(0, 0, 2)));
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void store_made_from_an_export_exports_the_same_text() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));
    String export = new Exporter(store).export();

    assertThat(exportOfAFreshStoreImporting(export)).isEqualTo(export);
  }

  @Test
  void account_without_secrets_is_exported_without_secret_hashes_and_keeps_none() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));

    String export = new Exporter(store).export();

    Provisioning.AccountSpec admin = parse(export, importer).accounts().get(0);
    assertThat(admin.clientId()).isEqualTo("retailer01-admin");
    assertThat(admin.secretHashes()).isEmpty();
    assertThat(admin.secret()).isNull();
  }

  @Test
  void values_yaml_would_read_as_something_else_are_quoted_and_come_back_the_same()
      throws Exception {
    Set<String> ids = Set.of("1234", "0X1F", "1E3", "Y", "N");
    List<Participant> participants =
        List.of(
            new Participant("1234", "null"),
            new Participant("0X1F", "yes"),
            new Participant("1E3", "it's: \"quoted\" # not a comment"),
            new Participant("Y", "- a list? [no], {nor a map}"),
            new Participant("N", "Ünïcødé, tab\tand\nnewline  "));
    List<Entity> entities =
        List.of(
            new Entity("true", EntityKind.IDX_SERVICE, "~", Set.of(READ, EXECUTE)),
            new Entity("1e3", EntityKind.BUSINESS_FUNCTION, "&anchor *alias", Set.of(CREATE)),
            new Entity("0x1f", EntityKind.BUSINESS_FUNCTION, "  leading space", Set.of(READ)),
            new Entity("null", EntityKind.BUSINESS_FUNCTION, "'", Set.of(READ)));
    List<Entitlement> entitlements =
        List.of(
            new Entitlement("true", ids, Set.of(READ, EXECUTE)),
            new Entitlement("null", Set.of("1234"), Set.of(READ)));
    importer.apply(
        new Provisioning(
            participants,
            Map.of("1234", entitlements, "N", List.of()),
            entities,
            List.of(
                new Provisioning.AccountSpec(
                    "~",
                    "1234",
                    true,
                    Set.of(Role.OPERATOR_ADMIN),
                    Duration.ofSeconds(60),
                    null,
                    List.of(BCRYPT),
                    entitlements),
                new Provisioning.AccountSpec(
                    "false", "0X1F", false, Set.of(), null, null, List.of(), List.of()))));
    String export = new Exporter(store).export();

    Provisioning reread = parse(export, importer);

    assertThat(reread.participants()).containsExactlyInAnyOrderElementsOf(participants);
    assertThat(reread.entities()).containsExactlyInAnyOrderElementsOf(entities);
    assertThat(reread.holdings().get("1234")).containsExactlyInAnyOrderElementsOf(entitlements);
    assertThat(reread.accounts())
        .extracting(Provisioning.AccountSpec::clientId)
        .containsExactly("false", "~");
    assertThat(importer.apply(reread).changedAnything()).isFalse();
    assertThat(exportOfAFreshStoreImporting(export)).isEqualTo(export);
  }

  @Test
  void entitlements_to_the_reserved_entity_are_left_out() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));
    // Not possible from a file; an older store or a hand-made row might hold one.
    store.write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO entitlement (client_id, entity_name, participant_ids, operations)"
                      + " VALUES ('retailer01-app', 'idx-admin', 'RETAILER01', 'read')")) {
            return s.executeUpdate();
          }
        });

    String export = new Exporter(store).export();

    assertThat(export).doesNotContain("idx-admin");
    assertThat(parse(export, importer).accounts().get(1).entitlements())
        .extracting(Entitlement::entity)
        .containsExactly("pqd", "sord");
  }

  private String exportOfAFreshStoreImporting(String export) throws Exception {
    try (Database other = TestDatabases.open(dir.resolve("b"))) {
      JdbcStore fresh = new JdbcStore(other);
      Importer freshImporter = new Importer(fresh, HASHES, Clock.systemUTC());
      freshImporter.apply(parse(export, freshImporter));
      return new Exporter(fresh).export();
    }
  }

  private static Provisioning parse(String yaml, Importer importer)
      throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), importer.existing());
  }

  @Test
  void a_secret_keeps_its_age_and_expiry_in_a_store_made_from_the_export() throws Exception {
    importer.apply(parse(FILE.formatted(argon2id, BCRYPT), importer));
    store.write(
        c -> {
          try (var s =
              c.prepareStatement("UPDATE client_secret SET expires_at = ? WHERE hash = ?")) {
            s.setLong(1, Instant.parse("2026-03-02T10:00:00Z").toEpochMilli());
            s.setString(2, BCRYPT);
            s.executeUpdate();
          }
          return null;
        });
    String export = new Exporter(store).export();

    try (Database other = TestDatabases.open(dir.resolve("b"))) {
      JdbcStore copy = new JdbcStore(other);
      Importer later =
          new Importer(
              copy, HASHES, Clock.fixed(IMPORTED.plusSeconds(86_400 * 30), ZoneOffset.UTC));
      later.apply(parse(export, later));

      List<ClientSecret> secrets = copy.account("retailer01-app").orElseThrow().secrets();
      assertThat(secrets).extracting(ClientSecret::created).containsOnly(IMPORTED);
      assertThat(secrets)
          .filteredOn(secret -> secret.hash().equals(BCRYPT))
          .extracting(ClientSecret::expires)
          .containsExactly(Instant.parse("2026-03-02T10:00:00Z"));
      assertThat(new Exporter(copy).export()).isEqualTo(export);
    }
  }
}
