package io.idxauth.core;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An authenticated caller of the admin API and what its roles let it do. An operator admin may do
 * everything. A participant admin may manage only its own participant's accounts, and grant them
 * only entities, participant IDs and operations that its participant holds.
 */
public record Administrator(String clientId, String participantId, Set<Role> roles) {

  public Administrator {
    roles = Set.copyOf(roles);
  }

  public static Administrator of(ServiceAccount account) {
    return new Administrator(account.clientId(), account.participantId(), account.roles());
  }

  public boolean isOperator() {
    return roles.contains(Role.OPERATOR_ADMIN);
  }

  /** Refuses unless an operator admin; {@code action} completes "operator-admin is needed to …". */
  public void requireOperator(String action) {
    if (!isOperator()) {
      throw new Forbidden(
          Role.OPERATOR_ADMIN.wireName(),
          Role.OPERATOR_ADMIN.wireName() + " is needed to " + action);
    }
  }

  /** Refuses unless an operator admin or a participant admin of {@code participant}. */
  public void requireParticipant(String participant, String action) {
    if (isOperator()) {
      return;
    }
    if (!roles.contains(Role.PARTICIPANT_ADMIN) || !participantId.equals(participant)) {
      throw new Forbidden(
          Role.PARTICIPANT_ADMIN.wireName() + ":" + participant,
          Role.OPERATOR_ADMIN.wireName()
              + " or "
              + Role.PARTICIPANT_ADMIN.wireName()
              + " of participant "
              + participant
              + " is needed to "
              + action
              + " (this account administers "
              + (roles.contains(Role.PARTICIPANT_ADMIN)
                  ? "participant " + participantId
                  : "nothing")
              + ")");
    }
  }

  /**
   * Refuses a participant admin granting more than its participant holds: {@code holding} is what
   * the operator granted the participant for the same entity, if anything.
   */
  public void requireWithinHoldings(Entitlement wanted, Optional<Entitlement> holding) {
    if (isOperator()) {
      return;
    }
    String right = "holding:" + participantId + ":" + wanted.entity();
    if (holding.isEmpty()) {
      throw new Forbidden(
          right,
          "participant "
              + participantId
              + " holds no entitlement to entity '"
              + wanted.entity()
              + "', so its participant admin cannot grant it");
    }
    Set<String> extraIds = new TreeSet<>(wanted.participantIds());
    extraIds.removeAll(holding.get().participantIds());
    if (!extraIds.isEmpty()) {
      throw new Forbidden(
          right,
          "participant "
              + participantId
              + " does not hold entity '"
              + wanted.entity()
              + "' for participant IDs "
              + String.join(", ", extraIds));
    }
    Set<Operation> extraOps = EnumSet.noneOf(Operation.class);
    extraOps.addAll(wanted.operations());
    extraOps.removeAll(holding.get().operations());
    if (!extraOps.isEmpty()) {
      throw new Forbidden(
          right,
          "participant "
              + participantId
              + " does not hold "
              + String.join(", ", extraOps.stream().map(Operation::wireName).toList())
              + " on entity '"
              + wanted.entity()
              + "'");
    }
  }
}
