package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.server.TestService;
import io.idxauth.store.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth serve}: settings from a config file and options, refusals that say why. */
class ServeCommandTest {

  @TempDir Path dir;

  @Test
  void serves_with_settings_from_a_config_file_and_an_option() throws Exception {
    Path kek = dir.resolve("kek");
    Files.writeString(kek, KeyEncryptionKey.generateBase64(new SecureRandom()));
    int port = TestService.freePort();
    Path config = dir.resolve("idx-auth.yaml");
    Files.writeString(
        config,
        "data: "
            + dir.resolve("data")
            + "\nport: 1\nhost: 127.0.0.1\nmanagement-port: 0\nkek-file: "
            + kek
            + "\n"
            + (TestDatabases.postgresql()
                ? "db: " + TestDatabases.url(dir.resolve("data")) + "\n"
                : ""));
    Thread serve =
        new Thread(
            () ->
                Main.run(
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(new StringWriter(), true),
                    "serve",
                    "--config",
                    config.toString(),
                    "--port",
                    Integer.toString(port),
                    "--issuer",
                    "https://auth.idx.example"));
    serve.start();
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> metadata = null;
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (metadata == null && Instant.now().isBefore(deadline)) {
        try {
          metadata =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + port
                                  + "/.well-known/oauth-authorization-server"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(metadata).isNotNull();
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("\"issuer\":\"https://auth.idx.example\"");
    } finally {
      serve.interrupt();
      serve.join(10_000);
    }
    // The embedded store is made in the data directory; a shared one is not.
    assertThat(Files.exists(dir.resolve("data").resolve("idx-auth.db")))
        .isEqualTo(!TestDatabases.postgresql());
  }

  @Test
  void without_a_key_encryption_key_serve_refuses_and_says_how_to_supply_one() {
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "serve",
            "--data",
            dir.resolve("data").toString(),
            "--port",
            Integer.toString(TestService.freePort()));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("no key-encryption key").contains("IDX_AUTH_KEK");
  }

  @Test
  void invalid_setting_is_refused_before_anything_starts() {
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "serve",
            "--data",
            dir.resolve("data").toString(),
            "--issuer",
            "not a url");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("issuer");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }
}
