package io.idxauth.core;

import java.util.List;
import java.util.Objects;

/**
 * A participant with what the operator has granted it: the ceiling of what its participant admins
 * may grant to its accounts.
 */
public record ParticipantRecord(Participant participant, List<Entitlement> holdings) {

  public ParticipantRecord {
    Objects.requireNonNull(participant, "participant");
    holdings = List.copyOf(holdings);
  }

  public String id() {
    return participant.id();
  }
}
