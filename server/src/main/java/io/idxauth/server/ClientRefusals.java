package io.idxauth.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.AuditTrail;
import io.idxauth.core.ClientAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records a refused client authentication, wherever it happened (token, revocation, introspection):
 * counted in metrics every time, and stored in the audit trail with its real reason. The caller
 * still answers the one indistinguishable invalid_client.
 */
final class ClientRefusals {

  private final TokenMetrics metrics;
  private final AuditTrail audit;

  /** Refusals of a locked client or a limited source recorded in the last minute. */
  private final Cache<String, Boolean> recentCheap =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  ClientRefusals(TokenMetrics metrics, AuditTrail audit) {
    this.metrics = metrics;
    this.audit = audit;
  }

  /**
   * @param kind the audit kind ({@code token.refused}, {@code client.refused})
   * @param extra what the endpoint adds to the detail
   */
  void record(
      String kind,
      ClientCredentials credentials,
      ClientAuthenticator.Outcome outcome,
      String source,
      Map<String, Object> extra) {
    metrics.refused(outcome.refusal());
    if (repeatedCheapRefusal(outcome.refusal(), credentials.clientId(), source)) {
      return;
    }
    // An unknown client_id may be a secret pasted into the wrong field: never kept whole.
    boolean known = outcome.account() != null;
    Map<String, Object> detail = new LinkedHashMap<>(extra);
    detail.put("reason", outcome.refusal().wireName());
    detail.put("basic", credentials.basic());
    if (outcome.secret() != null) {
      detail.put("secretId", outcome.secret().id());
    }
    audit.record(
        new AuditEvent(
            0,
            Instant.now(),
            kind,
            known ? credentials.clientId() : TokenEndpoint.unknownForLog(credentials.clientId()),
            known ? credentials.clientId() : null,
            known ? outcome.account().account().participantId() : null,
            source,
            detail));
  }

  /**
   * True for a refusal of a locked client or a limited source that was already recorded in the last
   * minute: those cost nothing to provoke, so each is recorded once a minute (and counted in
   * metrics every time) instead of letting a flood write the trail at line rate.
   */
  private boolean repeatedCheapRefusal(
      ClientAuthenticator.Refusal refusal, String clientId, String source) {
    if (refusal != ClientAuthenticator.Refusal.LOCKED
        && refusal != ClientAuthenticator.Refusal.SOURCE_LIMITED) {
      return false;
    }
    String key =
        refusal == ClientAuthenticator.Refusal.LOCKED ? "locked|" + clientId : "source|" + source;
    return recentCheap.asMap().putIfAbsent(key, Boolean.TRUE) != null;
  }
}
