package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One typed configuration: option over environment over file over default, validated at once. */
class ServerConfigTest {

  @TempDir Path dir;

  @Test
  void defaults_serve_on_8080_as_localhost_issuer() {
    ServerConfig config = ServerConfig.load(Map.of(), Map.of(), null);

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.issuerUrl()).isEqualTo("http://localhost:8080");
    assertThat(config.audience()).isEqualTo("idx-api");
    assertThat(config.tokenLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(config.rfc9068Type()).isFalse();
    assertThat(config.dataDir()).isEqualTo(Path.of("data"));
  }

  @Test
  void shared_store_comes_from_the_environment_and_its_password_never_shows() {
    ServerConfig config =
        ServerConfig.load(
            Map.of(),
            Map.of(
                "IDX_AUTH_DB", "jdbc:postgresql://db.internal:5432/idxauth?password=hunter2",
                "IDX_AUTH_DB_USER", "idxauth",
                "IDX_AUTH_DB_PASSWORD", "s3cret",
                "IDX_AUTH_STORE_OUTAGE_GRACE", "90s"),
            null);

    assertThat(config.store().url()).startsWith("jdbc:postgresql://db.internal:5432/idxauth");
    assertThat(config.store().user()).isEqualTo("idxauth");
    assertThat(config.store().password()).isEqualTo("s3cret");
    assertThat(config.store().outageGrace()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.store().pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
  }

  @Test
  void store_url_that_is_not_postgresql_is_refused_by_name() {
    assertThatThrownBy(() -> ServerConfig.load(Map.of("db", "jdbc:mysql://db/idx"), Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("db: 'jdbc:mysql://db/idx' is not a supported JDBC URL");
    assertThatThrownBy(
            () -> ServerConfig.load(Map.of("db", "jdbc:sqlite:/tmp/x.db"), Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("give --data alone");
  }

  @Test
  void option_beats_environment_beats_file() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "port: 7000\naudience: from-file\ntoken-lifetime: 600\n");
    Map<String, String> env =
        Map.of("IDX_AUTH_PORT", "7001", "IDX_AUTH_AUDIENCE", "from-env", "PATH", "/usr/bin");

    ServerConfig config = ServerConfig.load(Map.of("port", "7002"), env, file);

    assertThat(config.port()).isEqualTo(7002);
    assertThat(config.audience()).isEqualTo("from-env");
    assertThat(config.tokenLifetime()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void kek_file_option_beats_kek_in_the_environment() {
    ServerConfig config =
        ServerConfig.load(
            Map.of("kek-file", "/run/secrets/kek"), Map.of("IDX_AUTH_KEK", "AAAA"), null);

    assertThat(config.kek()).isNull();
    assertThat(config.kekFile()).isEqualTo(Path.of("/run/secrets/kek"));
  }

  @Test
  void kek_file_in_the_environment_beats_kek_in_the_file() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "kek: AAAA\n");

    ServerConfig config =
        ServerConfig.load(Map.of(), Map.of("IDX_AUTH_KEK_FILE", "/run/secrets/kek"), file);

    assertThat(config.kek()).isNull();
    assertThat(config.kekFile()).isEqualTo(Path.of("/run/secrets/kek"));
  }

  @Test
  void empty_setting_in_the_file_counts_as_unset() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "issuer:\nkek-file:\n");

    ServerConfig config = ServerConfig.load(Map.of(), Map.of(), file);

    assertThat(config.issuerUrl()).isEqualTo("http://localhost:8080");
    assertThat(config.kekFile()).isNull();
  }

  @Test
  void config_file_syntax_error_names_the_line_but_never_quotes_it() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "port: 8080\nkek: \"c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw\n");

    assertThatThrownBy(() -> ServerConfig.load(Map.of(), Map.of(), file))
        .hasMessageContaining("not valid YAML at line")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0"));
  }

  @Test
  void port_zero_needs_an_issuer_and_host_must_not_be_empty() {
    assertThatThrownBy(() -> ServerConfig.load(Map.of("port", "0", "host", " "), Map.of(), null))
        .hasMessageContaining("issuer: required with port 0")
        .hasMessageContaining("host: must not be empty");
  }

  @Test
  void yaml_alias_in_the_config_file_is_refused() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "audience: &a idx\nissuer: *a\n");

    assertThatThrownBy(() -> ServerConfig.load(Map.of(), Map.of(), file))
        .hasMessageContaining("anchors and aliases")
        .hasMessageContaining("line 1");
  }

  @Test
  void issuer_loses_its_trailing_slash() {
    ServerConfig config =
        ServerConfig.load(Map.of("issuer", "https://auth.idx.example/"), Map.of(), null);

    assertThat(config.issuerUrl()).isEqualTo("https://auth.idx.example");
  }

  @Test
  void every_invalid_setting_is_named_at_once() {
    Map<String, String> bad =
        Map.of(
            "port", "eighty",
            "token-lifetime", "5",
            "token-type", "jwt-ish",
            "issuer", "ftp://x?y");

    assertThatThrownBy(() -> ServerConfig.load(bad, Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port: 'eighty' is not a whole number")
        .hasMessageContaining("token-lifetime: 5 is outside 60..86400")
        .hasMessageContaining("token-type: 'jwt-ish' must be JWT or at+jwt")
        .hasMessageContaining("issuer: 'ftp://x?y' must be an http(s) URL");
  }

  @Test
  void unknown_key_in_the_file_is_refused() throws Exception {
    Path file = dir.resolve("idx-auth.yaml");
    Files.writeString(file, "prot: 7000\n");

    assertThatThrownBy(() -> ServerConfig.load(Map.of(), Map.of(), file))
        .hasMessageContaining("unknown setting 'prot'");
  }

  @Test
  void printed_configuration_never_shows_the_key_encryption_key() {
    String kek = "c2VjcmV0LWtleS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=";
    ServerConfig config = ServerConfig.load(Map.of(), Map.of("IDX_AUTH_KEK", kek), null);

    assertThat(config.toString()).doesNotContain(kek).contains("(environment)");
  }
}
