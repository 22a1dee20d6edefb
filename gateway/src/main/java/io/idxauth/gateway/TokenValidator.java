package io.idxauth.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.idxauth.core.Operation;
import io.idxauth.core.TokenMinter;
import java.net.URI;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Validates idx-auth bearer tokens (RFC 9068 JWT access tokens) for a resource server: the
 * signature by {@code kid} against the issuer's JWKS, the algorithm (RS256 only), {@code typ},
 * {@code iss}, {@code aud}, {@code exp}/{@code nbf} with a leeway, the required claims, and
 * revocation; and returns who holds the token and what it grants.
 *
 * <p>A token verified once is cached until it expires, keyed by the token itself, so a repeated
 * token costs a hash lookup, a revocation lookup and a clock read, not an RSA verification. Expiry
 * and revocation are checked on every call, cached or not.
 *
 * <p>Thread-safe; build one per issuer and share it. {@link #close()} stops the revocation feed.
 */
public final class TokenValidator implements AutoCloseable {

  /** Longer strings are refused before any work: no token of ours comes close. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** The JWT claims a token must carry (RFC 9068 §2.2, plus the owning participant). */
  private static final List<String> REQUIRED =
      List.of("sub", "client_id", "exp", "iat", "jti", "participant_id");

  /** RFC 7515 §4.1.9: "application/" may be omitted, and types compare case-insensitively. */
  private static final Set<String> TYPES =
      Set.of("jwt", "at+jwt", "application/jwt", "application/at+jwt");

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

  /** The key set is refreshed once this old, so that keys the issuer withdraws stop verifying. */
  private static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);

  private final String issuer;
  private final String audience;
  private final long leewayMillis;
  private final Clock clock;
  private final HttpClient http;
  private final JwksCache keys;
  private final RevocationFeed revocations;
  private final Cache<String, ValidatedToken> verified;
  private final LongAdder verifications = new LongAdder();

  private TokenValidator(Builder b) {
    this.issuer = b.issuer.toString();
    this.audience = b.audience;
    this.leewayMillis = b.leeway.toMillis();
    this.clock = b.clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(b.maxCachedTokens)
            .expireAfter(
                Expiry.<String, ValidatedToken>creating(
                    (token, valid) -> Duration.ofMillis(millisLeft(valid))))
            .build();
    URI jwks = b.jwksUri != null ? b.jwksUri : URI.create(withoutSlash(issuer) + "/oauth2/jwks");
    this.keys =
        new JwksCache(http, jwks, b.jwksMinRefetch, JWKS_MAX_AGE, HTTP_TIMEOUT, this::forgetAll);
    this.revocations =
        b.revocationFeed == null
            ? null
            : new RevocationFeed(
                http, b.revocationFeed, b.revocationPoll, HTTP_TIMEOUT, b.leeway, clock);
  }

  /**
   * Settings for tokens of {@code issuer}, which must equal their {@code iss} exactly (RFC 8414
   * §3.3); the JWKS is at {@code {issuer}/oauth2/jwks} unless {@link Builder#jwksUri} says else.
   */
  public static Builder builder(URI issuer) {
    return new Builder(issuer);
  }

  /**
   * Validates a bearer token (the credentials of RFC 6750 §2.1, without the "Bearer " prefix).
   *
   * @throws InvalidTokenException with a short reason safe to show the caller
   */
  public ValidatedToken validate(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("malformed token");
    }
    ValidatedToken valid = verified.getIfPresent(token);
    if (valid == null) {
      valid = verify(token);
      verified.put(token, valid);
    }
    // Checked on every call: a cached token expires, and may be revoked after it was cached.
    if (millisLeft(valid) < 0) {
      throw new InvalidTokenException("expired");
    }
    if (revocations != null && revocations.isRevoked(valid.jti())) {
      throw new InvalidTokenException("revoked");
    }
    return valid;
  }

  /** How many signatures this validator has verified: tokens served from its cache are not. */
  public long verifications() {
    return verifications.sum();
  }

  /** How many times the JWKS was requested. */
  long jwksFetches() {
    return keys.fetches();
  }

  @Override
  public void close() {
    if (revocations != null) {
      revocations.close();
    }
    http.close();
  }

  private void start() {
    keys.refresh();
    if (revocations != null) {
      revocations.start();
    }
  }

  private long millisLeft(ValidatedToken valid) {
    return valid.expiresAt().toEpochMilli() + leewayMillis - clock.millis();
  }

  private void forgetAll() {
    verified.invalidateAll();
  }

  /** The checks of RFC 8725 §3 and RFC 9068 §4, signature first, then the claims. */
  private ValidatedToken verify(String token) throws InvalidTokenException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token");
    }
    // RFC 8725 §3.1: an allow-list of algorithms; "none" and HMAC never reach a key.
    if (!(jwt instanceof SignedJWT signed)
        || !JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("unsupported algorithm");
    }
    JWSHeader header = signed.getHeader();
    if (!acceptedType(header.getType())) {
      throw new InvalidTokenException("wrong token type");
    }
    String kid = header.getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw new InvalidTokenException("missing key id");
    }
    JWSVerifier verifier = keys.verifier(kid);
    if (verifier == null) {
      throw new InvalidTokenException(keys.isEmpty() ? "keys unavailable" : "unknown key");
    }
    verifications.increment();
    try {
      if (!signed.verify(verifier)) {
        throw new InvalidTokenException("bad signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("bad signature");
    }
    try {
      return accepted(signed.getJWTClaimsSet());
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed claims");
    }
  }

  private ValidatedToken accepted(JWTClaimsSet claims)
      throws InvalidTokenException, ParseException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException("wrong issuer");
    }
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      throw new InvalidTokenException("wrong audience");
    }
    for (String name : REQUIRED) {
      if (claims.getClaim(name) == null) {
        throw new InvalidTokenException("missing claim " + name);
      }
    }
    long now = clock.millis();
    Date exp = claims.getExpirationTime();
    if (now > exp.getTime() + leewayMillis) {
      throw new InvalidTokenException("expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now + leewayMillis < nbf.getTime()) {
      throw new InvalidTokenException("not yet valid");
    }
    return new ValidatedToken(
        claims.getStringClaim("client_id"),
        claims.getStringClaim("participant_id"),
        claims.getStringClaim("jti"),
        Instant.ofEpochMilli(exp.getTime()),
        grants(claims));
  }

  private static boolean acceptedType(JOSEObjectType type) {
    return type != null && TYPES.contains(type.getType().toLowerCase(Locale.ROOT));
  }

  /**
   * The {@code idx_entity} entries of RFC 9396 {@code authorization_details}, each as granted on an
   * entity the {@code scope} names: the two claims must agree, so an unscoped token grants nothing.
   * Entries of other types and operations this version does not know are ignored.
   */
  private static Map<String, EntityGrant> grants(JWTClaimsSet claims)
      throws InvalidTokenException, ParseException {
    String scope = claims.getStringClaim("scope");
    Object details = claims.getClaim("authorization_details");
    if (scope == null || details == null) {
      return Map.of();
    }
    if (!(details instanceof List<?> entries)) {
      throw new InvalidTokenException("malformed claims");
    }
    Set<String> scoped = new HashSet<>(Arrays.asList(scope.split(" ")));
    Map<String, Set<String>> participants = new HashMap<>();
    Map<String, Set<Operation>> operations = new HashMap<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> detail)) {
        throw new InvalidTokenException("malformed claims");
      }
      if (!TokenMinter.DETAIL_TYPE.equals(detail.get("type"))) {
        continue;
      }
      if (!(detail.get("identifier") instanceof String entity)) {
        throw new InvalidTokenException("malformed claims");
      }
      if (!scoped.contains(entity)) {
        continue;
      }
      participants
          .computeIfAbsent(entity, e -> new HashSet<>())
          .addAll(strings(detail.get("participant_ids")));
      Set<Operation> ops = operations.computeIfAbsent(entity, e -> EnumSet.noneOf(Operation.class));
      for (String action : strings(detail.get("actions"))) {
        Operation op = Operation.fromWireName(action);
        if (op != null) {
          ops.add(op);
        }
      }
    }
    Map<String, EntityGrant> grants = new HashMap<>();
    participants.forEach(
        (entity, ids) -> grants.put(entity, new EntityGrant(entity, ids, operations.get(entity))));
    return grants;
  }

  private static List<String> strings(Object value) throws InvalidTokenException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new InvalidTokenException("malformed claims");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw new InvalidTokenException("malformed claims");
      }
      out.add(s);
    }
    return out;
  }

  private static String withoutSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /** Settings of a {@link TokenValidator}; only the issuer is required. */
  public static final class Builder {

    private final URI issuer;
    private URI jwksUri;
    private String audience = "idx-api";
    private Duration leeway = Duration.ofSeconds(30);
    private Duration jwksMinRefetch = Duration.ofSeconds(5);
    private URI revocationFeed;
    private Duration revocationPoll;
    private long maxCachedTokens = 100_000;
    private Clock clock = Clock.systemUTC();

    private Builder(URI issuer) {
      this.issuer = absolute(issuer, "issuer");
    }

    /** Where the issuer's JWK Set is; by default {@code {issuer}/oauth2/jwks}. */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = absolute(jwksUri, "jwksUri");
      return this;
    }

    /** The audience tokens must name in {@code aud}; by default {@code idx-api}. */
    public Builder audience(String audience) {
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      this.audience = audience;
      return this;
    }

    /** The clock skew tolerated on {@code exp} and {@code nbf}; by default 30 seconds. */
    public Builder leeway(Duration leeway) {
      this.leeway = nonNegative(leeway, "leeway");
      return this;
    }

    /** At most one JWKS refetch per this period on an unknown {@code kid}; by default 5 s. */
    public Builder jwksMinRefetch(Duration jwksMinRefetch) {
      this.jwksMinRefetch = nonNegative(jwksMinRefetch, "jwksMinRefetch");
      return this;
    }

    /**
     * Polls the token service's revocation feed ({@code {issuer}/oauth2/revocations}) every {@code
     * poll}, and refuses revoked tokens. Without it, no token is refused as revoked.
     */
    public Builder revocations(URI feed, Duration poll) {
      this.revocationFeed = absolute(feed, "revocation feed");
      if (poll == null || poll.isNegative() || poll.toMillis() < 1) {
        throw new IllegalArgumentException("revocation poll must be at least 1 ms");
      }
      this.revocationPoll = poll;
      return this;
    }

    /** How many verified tokens are kept; by default 100 000. */
    public Builder maxCachedTokens(long maxCachedTokens) {
      if (maxCachedTokens < 0) {
        throw new IllegalArgumentException("maxCachedTokens must not be negative");
      }
      this.maxCachedTokens = maxCachedTokens;
      return this;
    }

    /** The clock of {@code exp} and {@code nbf} checks; by default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A validator that has fetched the JWKS and polled the revocation feed once. Neither failing is
     * fatal: the keys are fetched again on first use, the feed on its next poll.
     */
    public TokenValidator build() {
      TokenValidator validator = new TokenValidator(this);
      validator.start();
      return validator;
    }

    private static URI absolute(URI uri, String what) {
      if (uri == null
          || !uri.isAbsolute()
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(what + " must be an absolute http(s) URI: " + uri);
      }
      return uri;
    }

    private static Duration nonNegative(Duration duration, String what) {
      if (duration == null || duration.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative");
      }
      return duration;
    }
  }
}
