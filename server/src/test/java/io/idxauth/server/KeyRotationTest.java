package io.idxauth.server;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing-key rotation through the admin API: a new key is published in the JWKS before it signs
 * (RFC 7517 consumers fetch keys by kid), the old one stays published, and a restart mid-rotation
 * changes nothing.
 */
class KeyRotationTest {

  @TempDir Path dir;

  private static String kidOf(String token) {
    String header =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return json(header).path("kid").asText();
  }

  private static JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String jwksKids(TestService service) {
    return json(service.get("/oauth2/jwks").body()).findValuesAsText("kid").toString();
  }

  @Test
  void rotated_key_is_published_first_and_signs_after_the_propagation_period() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("key-propagation", "2s"));
      String ops = service.operatorToken();
      String oldKid = kidOf(service.accessToken("pqd"));
      JsonNode keys = json(service.admin("GET", "/keys", ops, null).body()).path("items");
      assertThat(keys).hasSize(1);
      assertThat(keys.get(0).path("state").asText()).isEqualTo("active");

      HttpResponse<String> rotated = service.admin("POST", "/keys/rotate", ops, null);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
      String newKid = json(rotated.body()).path("kid").asText();
      assertThat(json(rotated.body()).path("state").asText()).isEqualTo("pending");

      assertThat(jwksKids(service)).contains(oldKid).contains(newKid);
      assertThat(kidOf(service.accessToken("pqd"))).isEqualTo(oldKid);
      assertThat(service.admin("POST", "/keys/rotate", ops, null).statusCode()).isEqualTo(409);

      Thread.sleep(3500);

      assertThat(kidOf(service.accessToken("pqd"))).isEqualTo(newKid);
      assertThat(jwksKids(service)).contains(oldKid).contains(newKid);
      JsonNode after = json(service.admin("GET", "/keys", ops, null).body()).path("items");
      assertThat(after.findValuesAsText("state")).containsExactlyInAnyOrder("active", "retired");
      assertThat(
              IndependentVerifier.verify(
                      service.accessToken("pqd"), service.base() + "/oauth2/jwks")
                  .header()
                  .path("kid")
                  .asText())
          .isEqualTo(newKid);
    }
  }

  @Test
  void rotation_survives_a_restart_during_propagation() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("key-propagation", "2s"));
      String oldKid = kidOf(service.accessToken("pqd"));
      String newKid =
          json(service.admin("POST", "/keys/rotate", service.operatorToken(), null).body())
              .path("kid")
              .asText();

      service.restart(Map.of("key-propagation", "2s"));

      assertThat(jwksKids(service)).contains(oldKid).contains(newKid);
      assertThat(kidOf(service.accessToken("pqd"))).isEqualTo(oldKid);
      Thread.sleep(3000);
      assertThat(kidOf(service.accessToken("pqd"))).isEqualTo(newKid);
    }
  }
}
