package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.store.Database;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing key is created once, kept encrypted, and survives restarts. */
class RestartTest {

  @TempDir Path dir;

  @Test
  void token_issued_before_a_restart_verifies_after_it() throws Exception {
    try (TestService service = TestService.start(dir)) {
      String token = service.accessToken("pqd");
      String kid = service.server().signingKeyId();

      service.restart();

      assertThat(service.server().signingKeyId()).isEqualTo(kid);
      IndependentVerifier.Verified verified =
          IndependentVerifier.verify(token, service.base() + "/oauth2/jwks");
      assertThat(verified.header().path("kid").asText()).isEqualTo(kid);
    }
  }

  @Test
  void store_is_readable_by_its_owner_only() throws Exception {
    assumeFalse(TestDatabases.postgresql(), "the embedded store's file");
    Path data = dir.resolve("fresh");
    try (TestService service = TestService.start(data)) {
      assertThat(java.nio.file.Files.getPosixFilePermissions(data.resolve("idx-auth.db")))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      assertThat(java.nio.file.Files.getPosixFilePermissions(data))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void store_left_readable_by_others_is_restricted_at_start() throws Exception {
    assumeFalse(TestDatabases.postgresql(), "the embedded store's file");
    try (TestService service = TestService.start(dir)) {
      service.stop();
      Path db = dir.resolve("idx-auth.db");
      java.nio.file.Files.setPosixFilePermissions(
          db, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

      service.restart();

      assertThat(java.nio.file.Files.getPosixFilePermissions(db))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void port_in_use_is_refused_with_a_clear_message() {
    try (TestService service = TestService.start(dir)) {
      ServerConfig taken =
          service.config(Map.of("port", Integer.toString(service.server().port())));

      assertThatThrownBy(() -> IdxAuthServer.start(taken))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot listen on")
          .hasMessageContaining("in use");
    }
  }

  @Test
  void private_key_is_not_stored_in_clear() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.stop();
      String text;
      if (TestDatabases.postgresql()) {
        StringBuilder rows = new StringBuilder();
        try (Database database = TestDatabases.open(dir);
            java.sql.Connection c = database.dataSource().getConnection();
            java.sql.ResultSet r =
                c.createStatement()
                    .executeQuery("SELECT public_jwk, sealed_private FROM signing_key")) {
          while (r.next()) {
            rows.append(r.getString(1)).append(r.getString(2));
          }
        }
        text = rows.toString();
        assertThat(text).contains("\"n\":");
      } else {
        byte[] db = Files.readAllBytes(dir.resolve("idx-auth.db"));
        text = new String(db, java.nio.charset.StandardCharsets.ISO_8859_1);
      }
      assertThat(text).doesNotContain("\"d\":").doesNotContain("PRIVATE KEY");
    }
  }

  @Test
  void another_key_encryption_key_refuses_to_start_with_a_clear_message() {
    try (TestService service = TestService.start(dir)) {
      service.stop();
      String otherKek = KeyEncryptionKey.generateBase64(new SecureRandom());

      assertThatThrownBy(() -> IdxAuthServer.start(service.config(Map.of("kek", otherKek))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot be decrypted with this key-encryption key");
    }
  }

  @Test
  void missing_key_encryption_key_is_named_at_start() {
    ServerConfig config =
        ServerConfig.load(
            Map.of("data", dir.toString(), "port", Integer.toString(TestService.freePort())),
            Map.of(),
            null);

    assertThatThrownBy(() -> IdxAuthServer.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IDX_AUTH_KEK");
  }
}
