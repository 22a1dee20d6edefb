package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth migrate}: the schema brought up to date, and said so; then nothing to do. */
class MigrateCommandTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void migrates_an_empty_store_then_finds_it_up_to_date() {
    String data = dir.resolve("data").toString();

    CliRun first = run("migrate", "--data", data);
    CliRun second = run("migrate", "--data", data);

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out())
        .containsPattern("from version \\(empty\\) to \\d+ \\(\\d+ migrations\\)");
    String version = first.out().replaceAll("(?s).* to (\\d+) .*", "$1").trim();
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("is up to date at version " + version);
  }

  @Test
  void unsupported_database_url_is_refused_by_name() {
    CliRun run = run("migrate", "--db", "jdbc:mysql://db.internal/idx");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("not a supported JDBC URL").doesNotContain("Exception");
  }

  @Test
  void password_in_the_url_is_not_echoed_when_the_store_cannot_be_reached() {
    CliRun run =
        run("migrate", "--db", "jdbc:postgresql://127.0.0.1:1/idx?user=u&password=hunter2");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("cannot open the store").doesNotContain("hunter2");
  }
}
