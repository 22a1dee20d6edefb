package io.idxauth.store;

import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Participant;
import java.util.List;

/**
 * A validated provisioning file: what the store must hold after the import.
 *
 * @param accounts the accounts; each one's entitlements replace those it held
 */
public record Provisioning(
    List<Participant> participants, List<Entity> entities, List<AccountSpec> accounts) {

  public Provisioning {
    participants = List.copyOf(participants);
    entities = List.copyOf(entities);
    accounts = List.copyOf(accounts);
  }

  /**
   * One account of the file. At most one of {@code secret} and {@code secretHash} is set; with
   * neither, the account keeps the secrets it has.
   */
  public record AccountSpec(
      String clientId,
      String participantId,
      boolean enabled,
      String secret,
      String secretHash,
      List<Entitlement> entitlements) {

    public AccountSpec {
      entitlements = List.copyOf(entitlements);
    }

    @Override
    public String toString() {
      return "AccountSpec[clientId=" + clientId + ", participantId=" + participantId + "]";
    }
  }
}
