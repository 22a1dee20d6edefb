package io.idxauth.gateway;

import io.idxauth.core.Operation;
import java.util.Objects;
import java.util.Set;

/**
 * What a token grants on one entity: one {@code idx_entity} entry of its RFC 9396 {@code
 * authorization_details}, with the participants the holder may act for and the operations it may
 * perform.
 */
public record EntityGrant(String entity, Set<String> participantIds, Set<Operation> operations) {

  public EntityGrant {
    Objects.requireNonNull(entity, "entity");
    participantIds = Set.copyOf(participantIds);
    operations = Set.copyOf(operations);
  }

  /**
   * Whether this grant lets its holder perform {@code operation} acting for {@code participantId}.
   */
  public boolean permits(Operation operation, String participantId) {
    return operation != null
        && participantId != null
        && operations.contains(operation)
        && participantIds.contains(participantId);
  }
}
