package io.idxauth.gateway;

import io.idxauth.core.Operation;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A token that {@link TokenValidator} accepted: who holds it and what it grants.
 *
 * @param clientId the {@code client_id} claim, the service account that holds the token
 * @param participantId the {@code participant_id} claim, the participant that owns the account
 * @param jti the token's unique id, the key of revocation
 * @param expiresAt the {@code exp} claim
 * @param grants what the token grants, by entity name; empty for a token requested without scope
 */
public record ValidatedToken(
    String clientId,
    String participantId,
    String jti,
    Instant expiresAt,
    Map<String, EntityGrant> grants) {

  public ValidatedToken {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(participantId, "participantId");
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(expiresAt, "expiresAt");
    grants = Map.copyOf(grants);
  }

  /**
   * Whether the token grants {@code operation} on {@code entity} acting for {@code participantId}
   * (the call's initiating participant). An unscoped token permits nothing.
   */
  public boolean permits(String entity, Operation operation, String participantId) {
    if (entity == null) {
      return false;
    }
    EntityGrant grant = grants.get(entity);
    return grant != null && grant.permits(operation, participantId);
  }
}
