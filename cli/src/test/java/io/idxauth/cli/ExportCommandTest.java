package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth export}: a provisioning file of the whole store that imports back unchanged. */
class ExportCommandTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static final String FILE =
      """
      participants:
        - id: RETAILER01
          name: Retailer One
          entitlements:
            - entity: pqd
              participants: [RETAILER01, RETAILER02]
              operations: [create, read]
        - id: RETAILER02
          name: Retailer Two
      entities:
        - name: pqd
          kind: business-function
          description: Power quality data
          operations: [create, read]
      accounts:
        - clientId: retailer01-app
          participant: RETAILER01
          secret: "plain text"
          entitlements:
            - entity: pqd
              participants: [RETAILER01, RETAILER02]
              operations: [read, create]
        - clientId: retailer01-admin
          participant: RETAILER01
          roles: [participant-admin]
          tokenLifetimeSeconds: 900
          secretHashes: ["$2b$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a"]
      """;

  /** A store at {@code dir/name} that holds FILE. */
  private Path store(String name) throws Exception {
    Path data = dir.resolve(name);
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, FILE);
    CliRun imported = run("import", "--data", data.toString(), file.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    return data;
  }

  @Test
  void importing_the_export_into_the_same_store_changes_nothing() throws Exception {
    Path data = store("a");
    Path export = dir.resolve("export.yaml");

    CliRun exported = run("export", "--data", data.toString(), "--output", export.toString());
    CliRun imported = run("import", "--data", data.toString(), export.toString());

    assertThat(exported.exit()).as(exported.err()).isZero();
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out())
        .contains("nothing changed")
        .contains("participants: 0 created, 0 updated, 2 unchanged")
        .contains("accounts:     0 created, 0 updated, 2 unchanged");
  }

  @Test
  void export_imported_into_a_fresh_store_exports_the_same_text() throws Exception {
    Path a = store("a");
    Path exportOfA = dir.resolve("a-export.yaml");
    Path b = dir.resolve("b");

    run("export", "--data", a.toString(), "-o", exportOfA.toString());
    CliRun imported = run("import", "--data", b.toString(), exportOfA.toString());
    CliRun exportOfB = run("export", "--data", b.toString());

    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("accounts:     2 created");
    assertThat(exportOfB.exit()).as(exportOfB.err()).isZero();
    assertThat(exportOfB.out()).isEqualTo(Files.readString(exportOfA));
  }

  @Test
  void export_goes_to_standard_output_by_default_and_says_it_holds_hashes() throws Exception {
    Path data = store("a");

    CliRun run = run("export", "--data", data.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("# idx-auth export")
        .contains("It holds the hashes of every account's secrets")
        .contains("clientId: retailer01-app")
        .contains("$argon2id$")
        .doesNotContain("plain text");
  }

  @Test
  void exported_file_is_readable_by_its_owner_only() throws Exception {
    Path data = store("a");
    Path export = dir.resolve("export.yaml");

    CliRun run = run("export", "--data", data.toString(), "--output", export.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Files.getPosixFilePermissions(export))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }

  @Test
  void existing_file_is_not_overwritten_without_force() throws Exception {
    Path data = store("a");
    Path export = dir.resolve("export.yaml");
    Files.writeString(export, "keep me\n");

    CliRun refused = run("export", "--data", data.toString(), "--output", export.toString());

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains(export + " exists").contains("--force");
    assertThat(Files.readString(export)).isEqualTo("keep me\n");

    CliRun forced =
        run("export", "--data", data.toString(), "--output", export.toString(), "--force");

    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(Files.readString(export)).startsWith("# idx-auth export");
    assertThat(Files.getPosixFilePermissions(export))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }

  @Test
  void export_of_a_directory_without_a_store_is_refused_and_makes_none() {
    assumeFalse(TestDatabases.postgresql(), "a shared store always exists");
    Path missing = dir.resolve("nowhere");

    CliRun run = run("export", "--data", missing.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no store in " + missing);
    assertThat(missing).doesNotExist();
  }
}
