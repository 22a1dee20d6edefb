package io.idxauth.core;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit trail: an issuance, a refusal or an administrative change. Never holds a
 * secret or a whole token.
 *
 * @param id the store's sequence number, or 0 before it is stored
 * @param actor who acted: the admin's client_id for a change, the client for a token request
 * @param clientId the account concerned, if any
 * @param participantId the participant concerned, if any
 * @param source the caller's address, if known
 * @param detail what happened, as JSON-ready values
 */
public record AuditEvent(
    long id,
    Instant at,
    String kind,
    String actor,
    String clientId,
    String participantId,
    String source,
    Map<String, Object> detail) {

  public static final String TOKEN_ISSUED = "token.issued";
  public static final String TOKEN_REFUSED = "token.refused";

  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  public AuditEvent withId(long newId) {
    return new AuditEvent(newId, at, kind, actor, clientId, participantId, source, detail);
  }
}
