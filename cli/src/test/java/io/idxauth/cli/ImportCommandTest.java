package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.Entity;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth import}: all of a file or nothing, every problem named, idempotent. */
class ImportCommandTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private static final String GOOD =
      """
      participants:
        - id: RETAILER01
          name: Retailer One
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
          enabled: true
          secret: "plain text"
          entitlements:
            - entity: pqd
              participants: [RETAILER01, RETAILER02]
              operations: [read, create]
      """;

  @Test
  void importing_the_same_file_twice_changes_nothing_the_second_time() throws Exception {
    Path file = write("good.yaml", GOOD);
    Path data = dir.resolve("data");

    CliRun first = run("import", "--data", data.toString(), file.toString());
    long revision = revision(data);
    CliRun second = run("import", "--data", data.toString(), file.toString());

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("participants: 2 created").contains("accounts:     1 created");
    assertThat(second.exit()).isZero();
    assertThat(second.out())
        .contains("nothing changed")
        .contains("accounts:     0 created, 0 updated, 1 unchanged");
    assertThat(revision(data)).isEqualTo(revision);
  }

  @Test
  void bad_file_is_refused_whole_with_every_problem_by_path() throws Exception {
    Path file =
        write(
            "bad.yaml",
            """
            participants:
              - id: retailer01
                name: lower case id
              - id: RETAILER02
                name: Retailer Two
            entities:
              - name: pqd
                kind: business-function
                operations: [create, read]
            accounts:
              - clientId: retailer02-app
                participant: RETAILER02
                secret: x
                entitlements:
                  - entity: pqd
                    participants: [RETAILER02]
                    operations: [read]
                  - entity: xyz
                    participants: [RETAILER02]
                    operations: [read]
                  - entity: pqd
                    participants: [NOBODY]
                    operations: [delete]
            """);
    Path data = dir.resolve("data");

    CliRun run = run("import", "--data", data.toString(), file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("nothing changed")
        .contains("participants[0].id: 'retailer01' is not 1-10 of [A-Z0-9]")
        .contains("accounts[0].entitlements[1].entity: unknown entity 'xyz'")
        .contains("accounts[0].entitlements[2].participants[0]: unknown participant 'NOBODY'");
    try (Database db = TestDatabases.open(data)) {
      JdbcStore store = new JdbcStore(db);
      assertThat(store.participant("RETAILER02")).isEmpty();
      assertThat(store.entities()).extracting(Entity::name).containsExactly("idx-admin");
    }
  }

  @Test
  void file_that_is_not_yaml_is_refused_with_a_line_number() throws Exception {
    Path file = write("broken.yaml", "participants:\n  - id: [unclosed\n");

    CliRun run = run("import", "--data", dir.resolve("data").toString(), file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("not valid YAML").contains("line");
  }

  private static long revision(Path data) {
    try (Database db = TestDatabases.open(data)) {
      return new JdbcStore(db).revision();
    }
  }
}
