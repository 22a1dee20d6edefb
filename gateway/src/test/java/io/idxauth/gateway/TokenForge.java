package io.idxauth.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake issuer for tests: its own RSA keys, a JWKS and a revocation feed on a loopback socket, and
 * tokens signed the way the test needs (expired, of another issuer, without a kid…).
 */
final class TokenForge implements AutoCloseable {

  private final HttpServer server;
  private boolean closed;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private volatile String jwks = "{\"keys\":[]}";
  private volatile int jwksStatus = 200;
  private volatile int jwksDelayMillis;
  private final AtomicInteger jwksHits = new AtomicInteger();
  private volatile String revocations = "{\"revision\":0,\"revoked\":[]}";
  private volatile int revocationStatus = 200;
  private final List<String> revocationQueries = new CopyOnWriteArrayList<>();

  TokenForge() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/oauth2/jwks",
        exchange -> {
          jwksHits.incrementAndGet();
          sleep(jwksDelayMillis);
          respond(exchange, jwksStatus, jwks);
        });
    server.createContext(
        "/oauth2/revocations",
        exchange -> {
          revocationQueries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
          respond(exchange, revocationStatus, revocations);
        });
    server.setExecutor(executor);
    server.start();
  }

  /** The issuer, which is also where its JWKS and feed are. */
  URI issuer() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  URI jwksUri() {
    return URI.create(issuer() + "/oauth2/jwks");
  }

  URI revocationFeed() {
    return URI.create(issuer() + "/oauth2/revocations");
  }

  static RSAKey newKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes the public parts of {@code keys} as the JWKS. */
  void publish(RSAKey... keys) {
    jwks = new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }

  /** Serves {@code json} as the JWKS, as it is. */
  void jwks(String json) {
    jwks = json;
  }

  void jwksStatus(int status) {
    jwksStatus = status;
  }

  void jwksDelay(int millis) {
    jwksDelayMillis = millis;
  }

  int jwksHits() {
    return jwksHits.get();
  }

  void revocations(String json) {
    revocations = json;
  }

  void revocationStatus(int status) {
    revocationStatus = status;
  }

  /** The raw query of each feed request, "null" for none. */
  List<String> revocationQueries() {
    return revocationQueries;
  }

  /** Claims that the validator accepts from this issuer: pqd for RETAILER01, an hour left. */
  JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer().toString())
        .subject("retailer01-app")
        .audience("idx-api")
        .claim("client_id", "retailer01-app")
        .issueTime(java.util.Date.from(now))
        .notBeforeTime(java.util.Date.from(now))
        .expirationTime(java.util.Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString())
        .claim("participant_id", "RETAILER01")
        .claim("scope", "pqd")
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
                    List.of("read"))));
  }

  /** An RS256 JWT header with typ JWT and the key's kid. */
  static JWSHeader.Builder header(RSAKey key) {
    return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID());
  }

  static String sign(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  String sign(RSAKey key, JWTClaimsSet claims) {
    return sign(key, header(key).build(), claims);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(int millis) {
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }

  /** A clock that tests move by hand. */
  static final class MovableClock extends Clock {

    private volatile Instant now = Instant.now();

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public long millis() {
      return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
