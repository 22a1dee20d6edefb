package io.idxauth.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the entity names a client asked for into the entitlements it gets. Names it is not entitled
 * to, or that name no entity, are dropped silently (the Access Token API says so); the operations
 * granted are those of the entitlement that the entity still offers.
 */
public final class EntitlementResolver {

  private final AccountDirectory directory;

  public EntitlementResolver(AccountDirectory directory) {
    this.directory = directory;
  }

  public Grant resolve(AccountRecord account, List<String> requested) {
    if (requested.isEmpty()) {
      return Grant.NONE;
    }
    List<Entitlement> granted = new ArrayList<>(requested.size());
    List<String> dropped = new ArrayList<>();
    for (String name : requested) {
      Optional<Entitlement> held = heldFor(account, name);
      Optional<Entity> entity = directory.entity(name);
      if (held.isEmpty() || entity.isEmpty()) {
        dropped.add(name);
        continue;
      }
      Set<Operation> operations = EnumSet.noneOf(Operation.class);
      operations.addAll(held.get().operations());
      operations.retainAll(entity.get().operations());
      if (operations.isEmpty() || held.get().participantIds().isEmpty()) {
        dropped.add(name);
        continue;
      }
      granted.add(new Entitlement(name, held.get().participantIds(), operations));
    }
    return new Grant(granted, dropped);
  }

  private static Optional<Entitlement> heldFor(AccountRecord account, String entity) {
    for (Entitlement e : account.entitlements()) {
      if (e.entity().equals(entity)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
