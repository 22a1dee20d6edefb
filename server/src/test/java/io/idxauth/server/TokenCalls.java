package io.idxauth.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.idxauth.core.Grant;
import io.idxauth.core.KeyRing;
import io.idxauth.core.ServiceAccount;
import io.idxauth.core.TokenMinter;
import io.idxauth.core.TokenPolicy;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcSigningKeys;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

/** Calls of the revocation and introspection endpoints, and tokens no token request gives. */
final class TokenCalls {

  private final TestService service;

  TokenCalls(TestService service) {
    this.service = service;
  }

  /** A form POST to {@code path}, with alternating header names and values. */
  HttpResponse<String> post(String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(service.base() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/x-www-form-urlencoded");
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return service.send(request.build());
  }

  /** {@code clientId} revokes {@code token} with client_secret_post. */
  HttpResponse<String> revoke(String clientId, String secret, String token) {
    return post(
        RevocationEndpoint.PATH,
        TestService.form("client_id", clientId, "client_secret", secret, "token", token));
  }

  /** The fixture's client revokes {@code token}. */
  HttpResponse<String> revoke(String token) {
    return revoke(TestService.CLIENT, TestService.SECRET, token);
  }

  /** {@code clientId} introspects {@code token} with client_secret_post. */
  HttpResponse<String> introspect(String clientId, String secret, String token) {
    return post(
        IntrospectionEndpoint.PATH,
        TestService.form("client_id", clientId, "client_secret", secret, "token", token));
  }

  /** The fixture's client introspects {@code token}. */
  HttpResponse<String> introspect(String token) {
    return introspect(TestService.CLIENT, TestService.SECRET, token);
  }

  /** An access token of {@code clientId} for {@code scope} (none when null); fails on error. */
  String token(String clientId, String secret, String scope) {
    HttpResponse<String> response =
        scope == null
            ? service.postForm(
                TestService.form(
                    "grant_type", "client_credentials",
                    "client_id", clientId,
                    "client_secret", secret))
            : service.token(clientId, secret, scope);
    if (response.statusCode() != 200) {
      throw new AssertionError("token request failed: " + response.body());
    }
    return TestService.json(response).path("access_token").asText();
  }

  /**
   * A token of the fixture's client signed with the service's own active key, as if issued at
   * {@code issuedAt} for {@code lifetime}: the way to get an expired token without waiting.
   */
  String ownTokenIssuedAt(Instant issuedAt, Duration lifetime) throws Exception {
    ServerConfig config = service.server().config();
    try (Database database = TestDatabases.open(service.dataDir())) {
      KeyRing keys =
          KeyRing.open(
              new JdbcSigningKeys(new JdbcStore(database)),
              KekSource.load(config),
              null,
              JOSEObjectType.JWT,
              Clock.systemUTC());
      TokenPolicy policy = new TokenPolicy(config.issuerUrl(), config.audience(), lifetime, false);
      return new TokenMinter(keys, policy, Clock.fixed(issuedAt, ZoneOffset.UTC))
          .mint(
              new ServiceAccount(TestService.CLIENT, "RETAILER01", true),
              new Grant(List.of(), List.of()))
          .value();
    }
  }

  /**
   * A token that claims everything one of ours does, under the service's current kid, but signed by
   * another key.
   */
  String forgedToken() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).generate();
    Instant now = Instant.now();
    ServerConfig config = service.server().config();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(config.issuerUrl())
            .subject(TestService.CLIENT)
            .audience(config.audience())
            .claim("client_id", TestService.CLIENT)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(600)))
            .jwtID("forged-jti")
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(service.server().signingKeyId())
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
