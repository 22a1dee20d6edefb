package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Operation;
import io.idxauth.core.SecretHashes;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of thousands of accounts, larger than SnakeYAML's default limit of 3 MB and than one read
 * of the importer (a thousand accounts): every account lands whole, and importing it again changes
 * nothing. How long it takes is measured by bench/scale.sh, never here.
 */
class LargeImportTest {

  private static final int PARTICIPANTS = 50;
  private static final int ENTITIES = 20;
  private static final int ACCOUNTS = 3_000;
  private static final int ENTITLEMENTS = 10;

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String HASH = HASHES.hash("scale-secret");
  private static final List<Operation> OPERATIONS = List.of(Operation.values());

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
  void every_account_of_a_large_file_is_imported_with_its_secret_and_entitlements()
      throws Exception {
    String yaml = file(-1);
    assertThat(yaml.length()).isGreaterThan(3 << 20);

    Importer.Report report = importer.apply(parse(yaml));

    assertThat(report.counts())
        .containsExactly(
            Map.entry("participants", new Importer.Counts(PARTICIPANTS, 0, 0)),
            Map.entry("entities", new Importer.Counts(ENTITIES, 0, 0)),
            Map.entry("accounts", new Importer.Counts(ACCOUNTS, 0, 0)));
    assertThat(count("service_account")).isEqualTo(ACCOUNTS);
    assertThat(count("client_secret")).isEqualTo(ACCOUNTS);
    assertThat(count("entitlement")).isEqualTo(ACCOUNTS * ENTITLEMENTS);
    for (int sample : new int[] {0, 999, 1000, 2345, ACCOUNTS - 1}) {
      AccountRecord account = store.account(clientId(sample)).orElseThrow();
      assertThat(account.account().participantId()).isEqualTo(owner(sample));
      assertThat(account.secrets()).extracting(ClientSecret::hash).containsExactly(HASH);
      assertThat(account.entitlements()).containsExactlyInAnyOrderElementsOf(entitlements(sample));
    }
    assertThat(HASHES.verify("scale-secret", HASH)).isTrue();
  }

  @Test
  void importing_a_large_file_again_changes_nothing() throws Exception {
    Provisioning provisioning = parse(file(-1));
    importer.apply(provisioning);
    long revision = store.revision();
    AccountRecord before = store.account(clientId(1500)).orElseThrow();

    Importer.Report again = importer.apply(parse(file(-1)));

    assertThat(again.changedAnything()).isFalse();
    assertThat(again.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 0, ACCOUNTS));
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(store.account(clientId(1500))).contains(before);
    assertThat(count("entitlement")).isEqualTo(ACCOUNTS * ENTITLEMENTS);
  }

  @Test
  void one_changed_account_among_thousands_is_the_only_one_updated() throws Exception {
    importer.apply(parse(file(-1)));
    long revision = store.revision();
    AccountRecord neighbour = store.account(clientId(2001)).orElseThrow();

    Importer.Report report = importer.apply(parse(file(2000)));

    assertThat(report.counts().get("accounts")).isEqualTo(new Importer.Counts(0, 1, ACCOUNTS - 1));
    assertThat(store.revision()).isGreaterThan(revision);
    assertThat(store.account(clientId(2000)).orElseThrow().entitlements())
        .containsExactlyInAnyOrderElementsOf(entitlements(2000).subList(0, ENTITLEMENTS - 1));
    assertThat(store.account(clientId(2001))).contains(neighbour);
    assertThat(count("entitlement")).isEqualTo(ACCOUNTS * ENTITLEMENTS - 1);
  }

  /** The file, in the layout of an export; account {@code shortened} lacks its last entitlement. */
  private static String file(int shortened) {
    StringBuilder out = new StringBuilder("participants:\n");
    for (int p = 0; p < PARTICIPANTS; p++) {
      out.append("  - id: ").append(participant(p)).append("\n    name: Participant ");
      out.append(p).append('\n');
    }
    out.append("entities:\n");
    for (int e = 0; e < ENTITIES; e++) {
      out.append("  - name: ").append(entity(e)).append("\n    kind: business-function\n");
      out.append("    operations: [create, read, update, delete, execute]\n");
    }
    out.append("accounts:\n");
    for (int a = 0; a < ACCOUNTS; a++) {
      out.append("  - clientId: ").append(clientId(a)).append('\n');
      out.append("    participant: ").append(owner(a)).append('\n');
      out.append("    secretHashes:\n      - hash: \"").append(HASH).append("\"\n");
      out.append("    entitlements:\n");
      List<Entitlement> entitlements = entitlements(a);
      if (a == shortened) {
        entitlements = entitlements.subList(0, ENTITLEMENTS - 1);
      }
      for (Entitlement e : entitlements) {
        out.append("      - entity: ").append(e.entity()).append('\n');
        out.append("        participants: [").append(String.join(", ", e.participantIds()));
        out.append("]\n        operations: [");
        out.append(String.join(", ", e.operations().stream().map(Operation::wireName).toList()));
        out.append("]\n");
      }
    }
    return out.toString();
  }

  /** Account {@code a}'s entitlements: ten entities in turn, for one to three participants. */
  private static List<Entitlement> entitlements(int a) {
    List<Entitlement> out = new ArrayList<>();
    for (int i = 0; i < ENTITLEMENTS; i++) {
      Set<String> participants = new TreeSet<>(List.of(owner(a), participant((a + i) % 7)));
      Set<Operation> operations = EnumSet.of(OPERATIONS.get((a + i) % OPERATIONS.size()));
      out.add(new Entitlement(entity((a + i) % ENTITIES), participants, operations));
    }
    return out;
  }

  private static String clientId(int a) {
    return "app-" + a;
  }

  private static String owner(int a) {
    return participant(a % PARTICIPANTS);
  }

  private static String participant(int p) {
    return "PART" + p;
  }

  private static String entity(int e) {
    return "bf" + e;
  }

  private long count(String table) {
    return store.read(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table);
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  private Provisioning parse(String yaml) throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), importer.existing());
  }
}
