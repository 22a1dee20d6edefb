package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token settings chosen by configuration: RFC 9068's {@code at+jwt} type, lifetime, audience. */
class TokenTypeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void configured_type_lifetime_audience_and_issuer_are_in_the_token() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(
          Map.of(
              "token-type", "at+jwt",
              "token-lifetime", "600",
              "audience", "https://gateway.idx.example",
              "issuer", "https://auth.idx.example"));

      var body =
          JSON.readTree(
              service
                  .postForm(
                      form(
                          "grant_type", "client_credentials",
                          "client_id", CLIENT,
                          "client_secret", SECRET))
                  .body());
      IndependentVerifier.Verified token =
          IndependentVerifier.verify(
              body.path("access_token").asText(), service.base() + JwksEndpoint.PATH);

      assertThat(body.path("expires_in").asLong()).isBetween(599L, 600L);
      assertThat(token.header().path("typ").asText()).isEqualTo("at+jwt");
      assertThat(token.claims().path("aud").asText()).isEqualTo("https://gateway.idx.example");
      assertThat(token.claims().path("iss").asText()).isEqualTo("https://auth.idx.example");
      assertThat(token.claims().path("exp").asLong() - token.claims().path("iat").asLong())
          .isEqualTo(600);
      assertThat(
              JSON.readTree(service.get("/.well-known/oauth-authorization-server").body())
                  .path("issuer")
                  .asText())
          .isEqualTo("https://auth.idx.example");
    }
  }
}
