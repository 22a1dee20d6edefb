package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.idxauth.core.Operation;
import io.idxauth.server.TestService;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator against tokens of a real token service (fetched over HTTP with its JWKS), and
 * against tokens forged for the cases the service never issues.
 */
class TokenValidatorTest {

  @TempDir static Path dir;
  private static TestService service;

  private TokenForge forge;
  private RSAKey forgeKey;

  @BeforeAll
  static void startService() {
    service = TestService.start(dir);
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  @BeforeEach
  void startForge() {
    forge = new TokenForge();
    forgeKey = TokenForge.newKey("forge-1");
    forge.publish(forgeKey);
  }

  @AfterEach
  void stopForge() {
    forge.close();
  }

  private static TokenValidator.Builder forService(TestService service) {
    return TokenValidator.builder(URI.create(service.issuer()))
        .jwksUri(URI.create(service.base() + "/oauth2/jwks"));
  }

  private TokenValidator forForge() {
    return TokenValidator.builder(forge.issuer()).build();
  }

  /** The reason a token is refused; it must not repeat the token. */
  private static String refusal(TokenValidator validator, String token) {
    InvalidTokenException refused =
        catchThrowableOfType(InvalidTokenException.class, () -> validator.validate(token));
    assertThat(refused).as("refused").isNotNull();
    if (token != null && !token.isEmpty()) {
      assertThat(refused.reason()).doesNotContain(token).hasSizeLessThan(40);
      assertThat(refused.getMessage()).doesNotContain(token);
    }
    return refused.reason();
  }

  private static String unscopedToken() {
    HttpResponse<String> response =
        service.postForm(
            TestService.form(
                "grant_type", "client_credentials",
                "client_id", TestService.CLIENT,
                "client_secret", TestService.SECRET));
    return TestService.json(response).path("access_token").asText();
  }

  private static String kidOf(String token) {
    String header =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return jsonOf(header).path("kid").asText();
  }

  private static com.fasterxml.jackson.databind.JsonNode jsonOf(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void a_token_of_the_service_is_valid_and_carries_its_grants() throws Exception {
    try (TokenValidator validator = forService(service).build()) {
      ValidatedToken token = validator.validate(service.accessToken("pqd mtrd"));

      assertThat(token.clientId()).isEqualTo("retailer01-app");
      assertThat(token.participantId()).isEqualTo("RETAILER01");
      assertThat(token.jti()).isNotBlank();
      assertThat(token.expiresAt()).isBetween(Instant.now(), Instant.now().plusSeconds(3600));
      assertThat(token.grants())
          .containsOnly(
              Map.entry(
                  "pqd",
                  new EntityGrant(
                      "pqd",
                      Set.of("RETAILER01", "RETAILER02"),
                      Set.of(Operation.READ, Operation.CREATE))),
              Map.entry(
                  "mtrd", new EntityGrant("mtrd", Set.of("RETAILER01"), Set.of(Operation.READ))));
      assertThat(token.permits("pqd", Operation.CREATE, "RETAILER02")).isTrue();
      assertThat(token.permits("mtrd", Operation.READ, "RETAILER01")).isTrue();
      assertThat(token.permits("mtrd", Operation.CREATE, "RETAILER01")).isFalse();
      assertThat(token.permits("mtrd", Operation.READ, "RETAILER02")).isFalse();
      assertThat(token.permits("sord", Operation.READ, "RETAILER01")).isFalse();
      assertThat(token.permits(null, Operation.READ, "RETAILER01")).isFalse();
      assertThat(token.permits("pqd", null, "RETAILER01")).isFalse();
      assertThat(token.permits("pqd", Operation.READ, null)).isFalse();
    }
  }

  @Test
  void an_unscoped_token_is_valid_and_permits_nothing() throws Exception {
    try (TokenValidator validator = forService(service).build()) {
      ValidatedToken token = validator.validate(unscopedToken());

      assertThat(token.clientId()).isEqualTo("retailer01-app");
      assertThat(token.grants()).isEmpty();
      assertThat(token.permits("pqd", Operation.READ, "RETAILER01")).isFalse();
    }
  }

  @Test
  void a_repeated_token_is_verified_once() throws Exception {
    try (TokenValidator validator = forService(service).build()) {
      String token = service.accessToken("pqd");
      ValidatedToken first = validator.validate(token);
      for (int i = 0; i < 100; i++) {
        assertThat(validator.validate(new String(token))).isSameAs(first);
      }
      assertThat(validator.verifications()).isEqualTo(1);

      validator.validate(service.accessToken("pqd"));
      assertThat(validator.verifications()).isEqualTo(2);
    }
  }

  @Test
  void a_cached_token_past_its_expiry_is_refused() throws Exception {
    TokenForge.MovableClock clock = new TokenForge.MovableClock();
    try (TokenValidator validator = forService(service).clock(clock).build()) {
      String token = service.accessToken("pqd");
      Instant exp = validator.validate(token).expiresAt();

      clock.set(exp.plusSeconds(29));
      assertThat(validator.validate(token).jti()).isNotBlank();
      clock.set(exp.plusSeconds(31));
      assertThat(refusal(validator, token)).isEqualTo("expired");
      assertThat(validator.verifications()).isEqualTo(1);
    }
  }

  @Test
  void exp_and_nbf_are_checked_with_the_leeway() throws Exception {
    try (TokenValidator validator = forForge()) {
      Instant now = Instant.now();
      String justExpired =
          forge.sign(
              forgeKey, forge.claims().expirationTime(Date.from(now.minusSeconds(10))).build());
      String expired =
          forge.sign(
              forgeKey, forge.claims().expirationTime(Date.from(now.minusSeconds(60))).build());
      String almostValid =
          forge.sign(
              forgeKey, forge.claims().notBeforeTime(Date.from(now.plusSeconds(10))).build());
      String notYetValid =
          forge.sign(
              forgeKey, forge.claims().notBeforeTime(Date.from(now.plusSeconds(60))).build());

      assertThat(validator.validate(justExpired).clientId()).isEqualTo("retailer01-app");
      assertThat(refusal(validator, expired)).isEqualTo("expired");
      assertThat(validator.validate(almostValid).clientId()).isEqualTo("retailer01-app");
      assertThat(refusal(validator, notYetValid)).isEqualTo("not yet valid");
    }
    try (TokenValidator strict =
        TokenValidator.builder(forge.issuer()).leeway(Duration.ZERO).build()) {
      String justExpired =
          forge.sign(
              forgeKey,
              forge.claims().expirationTime(Date.from(Instant.now().minusSeconds(10))).build());
      assertThat(refusal(strict, justExpired)).isEqualTo("expired");
    }
  }

  @Test
  void a_token_of_the_service_is_expired_once_the_clock_passes_its_exp() throws Exception {
    TokenForge.MovableClock clock = new TokenForge.MovableClock();
    clock.set(Instant.now().plus(Duration.ofHours(2)));
    try (TokenValidator validator = forService(service).clock(clock).build()) {
      assertThat(refusal(validator, service.accessToken("pqd"))).isEqualTo("expired");
    }
  }

  @Test
  void a_token_signed_by_another_key_under_a_known_kid_has_a_bad_signature() {
    String genuine = service.accessToken("pqd");
    RSAKey impostor = TokenForge.newKey(kidOf(genuine));
    JWTClaimsSet claims =
        forge.claims().issuer(service.issuer()).claim("scope", "pqd mtrd sord").build();
    try (TokenValidator validator = forService(service).build()) {
      assertThat(refusal(validator, forge.sign(impostor, claims))).isEqualTo("bad signature");
      assertThat(validator.verifications()).isEqualTo(1);
    }
  }

  @Test
  void a_token_whose_claims_were_changed_after_signing_has_a_bad_signature() {
    String[] parts = service.accessToken("pqd").split("\\.");
    String claims =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("RETAILER02", "RETAILER09");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    try (TokenValidator validator = forService(service).build()) {
      assertThat(refusal(validator, tampered)).isEqualTo("bad signature");
    }
  }

  @Test
  void alg_none_is_refused() {
    String genuine = service.accessToken("pqd");
    String[] parts = genuine.split("\\.");
    JWTClaimsSet claims;
    try {
      claims = SignedJWT.parse(genuine).getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
    String unsigned =
        new PlainJWT(
                new PlainHeader.Builder().type(JOSEObjectType.JWT).customParam("kid", "x").build(),
                claims)
            .serialize();
    try (TokenValidator validator = forService(service).build()) {
      assertThat(refusal(validator, unsigned)).isEqualTo("unsupported algorithm");
      assertThat(refusal(validator, noneHeader() + "." + parts[1] + "."))
          .isEqualTo("unsupported algorithm");
      assertThat(validator.verifications()).isZero();
    }
  }

  private static String noneHeader() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hs256_signed_with_the_public_key_as_secret_is_refused() throws Exception {
    String kid = kidOf(service.accessToken("pqd"));
    RSAKey published = (RSAKey) JWKSet.parse(service.get("/oauth2/jwks").body()).getKeyByKeyId(kid);
    // The classic confusion attack: the verifier's RSA public key used as an HMAC secret.
    byte[] secret = published.toRSAPublicKey().getEncoded();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(kid).build(),
            forge.claims().issuer(service.issuer()).build());
    forged.sign(new MACSigner(secret));
    try (TokenValidator validator = forService(service).build()) {
      assertThat(refusal(validator, forged.serialize())).isEqualTo("unsupported algorithm");
    }
  }

  @Test
  void jwt_and_at_jwt_types_are_accepted_and_others_refused() throws Exception {
    try (TokenValidator validator = forForge()) {
      for (String type : List.of("JWT", "at+jwt", "application/at+jwt", "jwt")) {
        JWSHeader header = TokenForge.header(forgeKey).type(new JOSEObjectType(type)).build();
        assertThat(validator.validate(TokenForge.sign(forgeKey, header, forge.claims().build())))
            .as(type)
            .isNotNull();
      }
      JWSHeader jose = TokenForge.header(forgeKey).type(JOSEObjectType.JOSE).build();
      JWSHeader none = TokenForge.header(forgeKey).type(null).build();
      JWSHeader idToken = TokenForge.header(forgeKey).type(new JOSEObjectType("id+jwt")).build();
      for (JWSHeader header : List.of(jose, none, idToken)) {
        assertThat(refusal(validator, TokenForge.sign(forgeKey, header, forge.claims().build())))
            .isEqualTo("wrong token type");
      }
    }
  }

  @Test
  void a_token_without_kid_is_refused() {
    JWSHeader header = TokenForge.header(forgeKey).keyID(null).build();
    try (TokenValidator validator = forForge()) {
      assertThat(refusal(validator, TokenForge.sign(forgeKey, header, forge.claims().build())))
          .isEqualTo("missing key id");
    }
  }

  @Test
  void the_issuer_must_match_exactly() {
    try (TokenValidator validator = forForge()) {
      for (String other :
          List.of("https://auth.example", forge.issuer() + "/", forge.issuer() + "/x", "")) {
        assertThat(refusal(validator, forge.sign(forgeKey, forge.claims().issuer(other).build())))
            .as(other)
            .isEqualTo("wrong issuer");
      }
      assertThat(refusal(validator, forge.sign(forgeKey, forge.claims().issuer(null).build())))
          .isEqualTo("wrong issuer");
    }
  }

  @Test
  void the_audience_must_be_among_the_tokens_audiences() throws Exception {
    try (TokenValidator validator = forForge()) {
      assertThat(refusal(validator, forge.sign(forgeKey, forge.claims().audience("other").build())))
          .isEqualTo("wrong audience");
      assertThat(
              refusal(
                  validator, forge.sign(forgeKey, forge.claims().audience((String) null).build())))
          .isEqualTo("wrong audience");
      assertThat(
              validator.validate(
                  forge.sign(
                      forgeKey, forge.claims().audience(List.of("other", "idx-api")).build())))
          .isNotNull();
    }
    try (TokenValidator other =
        TokenValidator.builder(forge.issuer()).audience("https://gateway.example").build()) {
      assertThat(refusal(other, forge.sign(forgeKey, forge.claims().build())))
          .isEqualTo("wrong audience");
    }
  }

  @Test
  void each_required_claim_must_be_present() {
    try (TokenValidator validator = forForge()) {
      for (String claim : List.of("sub", "client_id", "exp", "iat", "jti", "participant_id")) {
        JWTClaimsSet claims = forge.claims().claim(claim, null).build();
        assertThat(refusal(validator, forge.sign(forgeKey, claims)))
            .isEqualTo("missing claim " + claim);
      }
    }
  }

  @Test
  void claims_of_the_wrong_shape_are_malformed() {
    try (TokenValidator validator = forForge()) {
      for (JWTClaimsSet claims :
          List.of(
              forge.claims().claim("client_id", 42).build(),
              forge.claims().claim("jti", List.of("a")).build(),
              forge.claims().claim("authorization_details", "pqd").build(),
              forge
                  .claims()
                  .claim(
                      "authorization_details",
                      List.of(Map.of("type", "idx_entity", "identifier", "pqd", "actions", "read")))
                  .build())) {
        assertThat(refusal(validator, forge.sign(forgeKey, claims))).isEqualTo("malformed claims");
      }
    }
  }

  @Test
  void malformed_tokens_are_refused() {
    try (TokenValidator validator = forService(service).build()) {
      assertThat(refusal(validator, null)).isEqualTo("malformed token");
      assertThat(refusal(validator, "")).isEqualTo("malformed token");
      assertThat(refusal(validator, "not-a-jwt")).isEqualTo("malformed token");
      assertThat(refusal(validator, "a.b.c")).isEqualTo("malformed token");
      assertThat(refusal(validator, "x".repeat(20_000))).isEqualTo("malformed token");
    }
  }

  @Test
  void a_grant_needs_both_the_scope_and_an_idx_entity_detail() throws Exception {
    JWTClaimsSet claims =
        forge
            .claims()
            .claim("scope", "pqd sord")
            .claim(
                "authorization_details",
                List.of(
                    Map.of(
                        "type",
                        "idx_entity",
                        "identifier",
                        "pqd",
                        "participant_ids",
                        List.of("RETAILER01"),
                        "actions",
                        List.of("read", "teleport")),
                    Map.of(
                        "type",
                        "idx_entity",
                        "identifier",
                        "mtrd",
                        "participant_ids",
                        List.of("RETAILER01"),
                        "actions",
                        List.of("read")),
                    Map.of("type", "payment_initiation", "identifier", "sord")))
            .build();
    try (TokenValidator validator = forForge()) {
      ValidatedToken token = validator.validate(forge.sign(forgeKey, claims));

      assertThat(token.grants().keySet()).containsExactly("pqd");
      assertThat(token.grants().get("pqd").operations()).containsExactly(Operation.READ);
      ValidatedToken repeated =
          validator.validate(
              forge.sign(forgeKey, forge.claims().claim("scope", "pqd  pqd").build()));
      assertThat(repeated.grants().keySet()).containsExactly("pqd");
      ValidatedToken unscoped =
          validator.validate(forge.sign(forgeKey, forge.claims().claim("scope", null).build()));
      assertThat(unscoped.grants()).isEmpty();
    }
  }

  @Test
  void the_jwks_is_found_at_the_issuers_oauth2_jwks_by_default() throws Exception {
    try (TokenValidator validator = TokenValidator.builder(forge.issuer()).build()) {
      assertThat(validator.validate(forge.sign(forgeKey, forge.claims().build())).participantId())
          .isEqualTo("RETAILER01");
      assertThat(forge.jwksHits()).isEqualTo(1);
    }
  }

  @Test
  void without_any_key_tokens_are_refused_as_keys_unavailable() {
    forge.jwksStatus(503);
    try (TokenValidator validator =
        TokenValidator.builder(forge.issuer()).jwksMinRefetch(Duration.ofHours(1)).build()) {
      assertThat(refusal(validator, forge.sign(forgeKey, forge.claims().build())))
          .isEqualTo("keys unavailable");
      assertThat(forge.jwksHits()).isEqualTo(1);
    }
  }

  @Test
  void a_key_rotated_in_after_start_is_fetched_on_its_first_token(@TempDir Path own)
      throws Exception {
    try (TestService rotating = TestService.start(own)) {
      rotating.restart(Map.of("key-propagation", "1s"));
      try (TokenValidator validator =
          forService(rotating).jwksMinRefetch(Duration.ofMillis(200)).build()) {
        String before = rotating.accessToken("pqd");
        validator.validate(before);
        assertThat(validator.jwksFetches()).isEqualTo(1);

        HttpResponse<String> rotated =
            rotating.admin("POST", "/keys/rotate", rotating.operatorToken(), null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String newKid = jsonOf(rotated.body()).path("kid").asText();
        String after = rotating.accessToken("pqd");
        for (int i = 0; i < 50 && !kidOf(after).equals(newKid); i++) {
          Thread.sleep(100);
          after = rotating.accessToken("pqd");
        }
        assertThat(kidOf(after)).isEqualTo(newKid);

        assertThat(validator.validate(after).clientId()).isEqualTo("retailer01-app");
        assertThat(validator.jwksFetches()).isEqualTo(2);
        assertThat(validator.validate(before).clientId()).isEqualTo("retailer01-app");
        assertThat(validator.jwksFetches()).isEqualTo(2);
      }
    }
  }

  @Test
  void an_unknown_kid_is_refetched_at_most_once_per_period() throws Exception {
    try (TokenValidator validator =
        TokenValidator.builder(forge.issuer()).jwksMinRefetch(Duration.ofSeconds(1)).build()) {
      RSAKey unknown = TokenForge.newKey("forge-2");
      Thread.sleep(1100);
      for (int i = 0; i < 10; i++) {
        assertThat(refusal(validator, forge.sign(unknown, forge.claims().build())))
            .isEqualTo("unknown key");
      }
      assertThat(forge.jwksHits()).isEqualTo(2);

      forge.publish(forgeKey, unknown);
      assertThat(refusal(validator, forge.sign(unknown, forge.claims().build())))
          .isEqualTo("unknown key");
      Thread.sleep(1100);
      assertThat(validator.validate(forge.sign(unknown, forge.claims().build()))).isNotNull();
      assertThat(forge.jwksHits()).isEqualTo(3);
    }
  }

  @Test
  void a_revoked_token_is_refused_even_when_cached() throws Exception {
    try (TokenValidator validator =
        forService(service).revocations(forge.revocationFeed(), Duration.ofMillis(50)).build()) {
      String token = service.accessToken("pqd");
      String other = service.accessToken("pqd");
      ValidatedToken valid = validator.validate(token);
      validator.validate(other);

      forge.revocations(
          "{\"revision\":7,\"revoked\":[{\"jti\":\""
              + valid.jti()
              + "\",\"exp\":"
              + valid.expiresAt().getEpochSecond()
              + "}]}");
      String reason = null;
      for (int i = 0; i < 100 && reason == null; i++) {
        try {
          validator.validate(token);
          Thread.sleep(20);
        } catch (InvalidTokenException e) {
          reason = e.reason();
        }
      }

      assertThat(reason).isEqualTo("revoked");
      assertThat(validator.validate(other)).isNotNull();
      assertThat(validator.verifications()).isEqualTo(2);
    }
  }

  @Test
  void a_token_revoked_at_the_service_is_refused_within_a_poll_period() throws Exception {
    try (TokenValidator validator =
        forService(service)
            .revocations(URI.create(service.base() + "/oauth2/revocations"), Duration.ofMillis(100))
            .build()) {
      String token = service.accessToken("pqd");
      validator.validate(token);

      // RFC 7009 §2.1, by the token's own client.
      HttpResponse<String> revoked =
          service.send(
              java.net.http.HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/revoke"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          TestService.form(
                              "token", token,
                              "client_id", TestService.CLIENT,
                              "client_secret", TestService.SECRET)))
                  .build());
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      long start = System.nanoTime();
      String reason = null;
      while (reason == null && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
        try {
          validator.validate(token);
          Thread.sleep(10);
        } catch (InvalidTokenException e) {
          reason = e.reason();
        }
      }

      assertThat(reason).isEqualTo("revoked");
      assertThat(validator.verifications()).isEqualTo(1);
    }
  }

  @Test
  void the_builder_refuses_settings_that_cannot_work() {
    URI issuer = URI.create("https://auth.example");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> TokenValidator.builder(URI.create("auth.example"))))
        .hasMessageContaining("issuer");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> TokenValidator.builder(issuer).leeway(Duration.ofSeconds(-1))))
        .hasMessageContaining("leeway");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> TokenValidator.builder(issuer).revocations(issuer, Duration.ZERO)))
        .hasMessageContaining("poll");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class, () -> TokenValidator.builder(issuer).audience(" ")))
        .hasMessageContaining("audience");
  }
}
