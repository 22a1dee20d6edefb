package io.idxauth.core;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints RS256 JWT access tokens (RFC 9068 claims) carrying the granted entitlements in the RFC 9396
 * {@code authorization_details} shape.
 */
public final class TokenMinter {

  /** The {@code type} of each {@code authorization_details} entry. */
  public static final String DETAIL_TYPE = "idx_entity";

  private final KeyRing keys;
  private final TokenPolicy policy;
  private final Clock clock;

  public TokenMinter(KeyRing keys, TokenPolicy policy, Clock clock) {
    this.keys = keys;
    this.policy = policy;
    this.clock = clock;
  }

  public IssuedToken mint(ServiceAccount account, Grant grant) {
    Instant now = clock.instant();
    long iat = now.getEpochSecond();
    long exp = iat + policy.lifetimeOf(account).toSeconds();
    String jti = newJti();
    String scope = grant.scope();

    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED.
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", policy.issuer());
    claims.put("sub", account.clientId());
    claims.put("aud", policy.audience());
    claims.put("client_id", account.clientId());
    claims.put("iat", iat);
    claims.put("nbf", iat);
    claims.put("exp", exp);
    claims.put("jti", jti);
    claims.put("participant_id", account.participantId());
    if (scope != null) {
      claims.put("scope", scope);
      claims.put("authorization_details", details(grant));
    }

    KeyRing.ActiveKey key = keys.active();
    JWSObject jws = new JWSObject(key.header(), new Payload(claims));
    try {
      jws.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed with key " + key.kid(), e);
    }
    long millisLeft = exp * 1000 - now.toEpochMilli();
    return new IssuedToken(jws.serialize(), jti, millisLeft / 1000, scope);
  }

  private static List<Map<String, Object>> details(Grant grant) {
    List<Map<String, Object>> details = new ArrayList<>(grant.granted().size());
    for (Entitlement e : grant.granted()) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("type", DETAIL_TYPE);
      detail.put("identifier", e.entity());
      detail.put("participant_ids", List.copyOf(e.participantIds()));
      detail.put("actions", e.operations().stream().map(Operation::wireName).toList());
      details.add(detail);
    }
    return details;
  }

  /** 128 random bits, base64url: unique per token, not a secret. */
  private static String newJti() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(random.nextLong()).putLong(random.nextLong());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }
}
