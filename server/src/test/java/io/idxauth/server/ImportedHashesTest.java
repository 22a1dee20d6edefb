package io.idxauth.server;

import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Accounts imported with hashes made by other tools (pyca/bcrypt, htpasswd, the reference argon2
 * CLI, Python's hashlib) authenticate at the token endpoint with their secrets, and only those.
 */
class ImportedHashesTest {

  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
    service.provision(
        """
        accounts:
          - {clientId: bcrypt-2b, participant: DNSP01, secretHash: '$2b$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a'}
          - {clientId: bcrypt-2y, participant: DNSP01, secretHash: '$2y$05$n6vgNcPiXVtB1uRRnZ8Zqedldlp7VgzQvZ2tuWIEinJcHGQdXzzQq'}
          - {clientId: argon2id, participant: DNSP01, secretHash: '$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4'}
          - {clientId: pbkdf2-phc, participant: DNSP01, secretHash: '$pbkdf2-sha256$i=1000$+7/V/jt+nvj3s26bvbHz/w$Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro'}
          - {clientId: pbkdf2-passlib, participant: DNSP01, secretHash: '$pbkdf2-sha256$1000$.7/V/jt.nvj3s26bvbHz/w$LwwqKmCtEIA/VPRUGS09IZ9V521OcBrwgBG5xgDaK80'}
        """);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @ParameterizedTest
  @CsvSource({
    "bcrypt-2b, imported-bcrypt-2b",
    "bcrypt-2y, imported-bcrypt-2y",
    "argon2id, imported-argon2-secret",
    "pbkdf2-phc, pbkdf2-phc-secret",
    "pbkdf2-passlib, pbkdf2-passlib-secret",
  })
  void imported_hash_authenticates_its_secret_and_refuses_others(String client, String secret) {
    assertThat(service.postForm(token(client, secret)).statusCode()).isEqualTo(200);
    assertThat(service.postForm(token(client, secret + "x")).statusCode()).isEqualTo(401);
  }

  private static String token(String client, String secret) {
    return form("grant_type", "client_credentials", "client_id", client, "client_secret", secret);
  }
}
