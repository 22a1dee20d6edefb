package io.idxauth.core;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.READ;
import static io.idxauth.core.Operation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RFC 9068 access tokens with RFC 9396 {@code authorization_details}. Signatures are checked with
 * the JDK's {@code SHA256withRSA} against the key published in the JWKS, not with Nimbus.
 */
class TokenMinterTest {

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration LIFETIME = Duration.ofMinutes(5);
  private static final TokenPolicy POLICY =
      new TokenPolicy("https://auth.example.test", "https://idx.example.test", LIFETIME, false);
  private static final ServiceAccount ACCOUNT =
      new ServiceAccount("retailer01-app", "RETAILER01", true);
  private static final Grant GRANT =
      new Grant(
          List.of(
              new Entitlement("pqd", Set.of("RETAILER02", "RETAILER01"), Set.of(READ, CREATE)),
              new Entitlement("mtrd", Set.of("RETAILER01"), Set.of(UPDATE))),
          List.of("unheld"));

  private static final KeyRing JDK_RING = ring(null, JOSEObjectType.JWT);

  @Test
  void header_is_rs256_typed_jwt_with_the_active_kid() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    Map<String, Object> header = part(token, 0);

    assertThat(header)
        .containsEntry("alg", "RS256")
        .containsEntry("typ", "JWT")
        .containsEntry("kid", JDK_RING.active().kid());
  }

  @Test
  void header_is_typed_at_jwt_under_the_rfc9068_policy() throws Exception {
    TokenPolicy rfc9068 = new TokenPolicy(POLICY.issuer(), POLICY.audience(), LIFETIME, true);
    KeyRing ring = ring(null, new JOSEObjectType("at+jwt"));

    IssuedToken token = new TokenMinter(ring, rfc9068, CLOCK).mint(ACCOUNT, GRANT);

    assertThat(part(token, 0)).containsEntry("typ", "at+jwt");
    assertThat(signatureVerifies(token, ring)).isTrue();
  }

  @Test
  void claims_say_who_for_whom_and_how_long() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    Map<String, Object> claims = part(token, 1);

    assertThat(claims)
        .containsEntry("iss", "https://auth.example.test")
        .containsEntry("sub", "retailer01-app")
        .containsEntry("aud", "https://idx.example.test")
        .containsEntry("client_id", "retailer01-app")
        .containsEntry("participant_id", "RETAILER01")
        .containsEntry("jti", token.jti());
    assertThat(number(claims, "iat")).isEqualTo(NOW.getEpochSecond());
    assertThat(number(claims, "nbf")).isEqualTo(NOW.getEpochSecond());
    assertThat(number(claims, "exp")).isEqualTo(NOW.getEpochSecond() + LIFETIME.toSeconds());
  }

  @Test
  void scoped_token_carries_scope_and_authorization_details_in_grant_order() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    Map<String, Object> claims = part(token, 1);

    assertThat(token.scope()).isEqualTo("pqd mtrd");
    assertThat(claims).containsEntry("scope", "pqd mtrd");
    assertThat(claims.get("authorization_details"))
        .isEqualTo(
            List.of(
                Map.of(
                    "type",
                    "idx_entity",
                    "identifier",
                    "pqd",
                    "participant_ids",
                    List.of("RETAILER01", "RETAILER02"),
                    "actions",
                    List.of("create", "read")),
                Map.of(
                    "type",
                    "idx_entity",
                    "identifier",
                    "mtrd",
                    "participant_ids",
                    List.of("RETAILER01"),
                    "actions",
                    List.of("update"))));
  }

  @Test
  void unscoped_token_has_no_scope_and_no_authorization_details() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, Grant.NONE);

    Map<String, Object> claims = part(token, 1);

    assertThat(token.scope()).isNull();
    assertThat(claims).doesNotContainKeys("scope", "authorization_details");
    assertThat(claims).containsKeys("iss", "sub", "aud", "client_id", "iat", "exp", "jti");
  }

  @Test
  void expires_in_is_the_lifetime_on_a_whole_second() {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    assertThat(token.expiresIn()).isEqualTo(LIFETIME.toSeconds());
  }

  @Test
  void expires_in_counts_whole_seconds_left_until_exp() throws Exception {
    Clock midSecond = Clock.fixed(NOW.plusMillis(500), ZoneOffset.UTC);

    IssuedToken token = new TokenMinter(JDK_RING, POLICY, midSecond).mint(ACCOUNT, GRANT);

    assertThat(number(part(token, 1), "exp")).isEqualTo(NOW.getEpochSecond() + 300);
    assertThat(token.expiresIn()).isEqualTo(LIFETIME.toSeconds() - 1);
  }

  @Test
  void an_account_with_its_own_lifetime_gets_tokens_of_that_lifetime() {
    ServiceAccount shortLived =
        new ServiceAccount("short", "RETAILER01", true, Set.of(), Duration.ofMinutes(5));

    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(shortLived, GRANT);

    assertThat(token.expiresIn()).isEqualTo(300);
  }

  @Test
  void an_account_lifetime_longer_than_the_longest_allowed_is_cut_to_it() {
    TokenPolicy capped =
        new TokenPolicy("https://idx.example", "idx-api", LIFETIME, false, Duration.ofHours(2));
    ServiceAccount longLived =
        new ServiceAccount("long", "RETAILER01", true, Set.of(), Duration.ofHours(24));

    assertThat(new TokenMinter(JDK_RING, capped, CLOCK).mint(longLived, GRANT).expiresIn())
        .isEqualTo(7200);
  }

  @Test
  void every_token_has_its_own_jti() {
    TokenMinter minter = new TokenMinter(JDK_RING, POLICY, CLOCK);
    Set<String> jtis = new HashSet<>();

    for (int i = 0; i < 50; i++) {
      jtis.add(minter.mint(ACCOUNT, GRANT).jti());
    }

    assertThat(jtis).hasSize(50).allSatisfy(jti -> assertThat(jti).matches("[A-Za-z0-9_-]{22}"));
  }

  @Test
  void signature_made_by_the_jdk_verifies_against_the_published_key() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    assertThat(signatureVerifies(token, JDK_RING)).isTrue();
  }

  @Test
  void signature_made_by_the_selected_native_provider_verifies_against_the_published_key()
      throws Exception {
    KeyRing ring = ring(SigningProvider.select(true), JOSEObjectType.JWT);

    IssuedToken token = new TokenMinter(ring, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    assertThat(signatureVerifies(token, ring)).isTrue();
  }

  @Test
  void altered_claims_do_not_verify() throws Exception {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);
    String[] parts = token.value().split("\\.");
    String forgedClaims =
        b64(
            new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("RETAILER01", "RETAILER09"));
    IssuedToken forged =
        new IssuedToken(
            parts[0] + "." + forgedClaims + "." + parts[2],
            token.jti(),
            token.expiresIn(),
            token.scope());

    assertThat(signatureVerifies(forged, JDK_RING)).isFalse();
  }

  @Test
  void issued_token_does_not_print_its_value() {
    IssuedToken token = new TokenMinter(JDK_RING, POLICY, CLOCK).mint(ACCOUNT, GRANT);

    assertThat(token.toString()).doesNotContain(token.value()).contains(token.jti());
  }

  private static KeyRing ring(Provider provider, JOSEObjectType type) {
    try {
      return KeyRing.open(
          new InMemorySigningKeys(),
          KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom())),
          provider,
          type,
          CLOCK);
    } catch (KeyEncryptionKey.KeyUnsealException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Object> part(IssuedToken token, int index) throws Exception {
    String[] parts = token.value().split("\\.");
    assertThat(parts).hasSize(3);
    return JSONObjectUtils.parse(
        new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
  }

  private static long number(Map<String, Object> claims, String name) {
    assertThat(claims.get(name)).isInstanceOf(Number.class);
    return ((Number) claims.get(name)).longValue();
  }

  /** RFC 7515 §5.2 by hand: SHA256withRSA over "header.payload", key from the JWKS's n and e. */
  @SuppressWarnings("unchecked")
  private static boolean signatureVerifies(IssuedToken token, KeyRing ring) throws Exception {
    String[] parts = token.value().split("\\.");
    String kid = (String) part(token, 0).get("kid");
    List<Map<String, Object>> keys =
        (List<Map<String, Object>>) JSONObjectUtils.parse(ring.jwksJson()).get("keys");
    Map<String, Object> jwk =
        keys.stream().filter(k -> kid.equals(k.get("kid"))).findFirst().orElseThrow();
    PublicKey publicKey =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    unsigned((String) jwk.get("n")), unsigned((String) jwk.get("e"))));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(publicKey);
    rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return rsa.verify(Base64.getUrlDecoder().decode(parts[2]));
  }

  private static BigInteger unsigned(String base64url) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
