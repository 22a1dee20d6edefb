package io.idxauth.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one account may do with one entity: the participant IDs it may act for and the operations.
 */
public record Entitlement(String entity, Set<String> participantIds, Set<Operation> operations) {

  public Entitlement {
    Objects.requireNonNull(entity, "entity");
    participantIds = Collections.unmodifiableSet(new TreeSet<>(participantIds));
    operations =
        Collections.unmodifiableSet(
            operations.isEmpty() ? EnumSet.noneOf(Operation.class) : EnumSet.copyOf(operations));
  }
}
