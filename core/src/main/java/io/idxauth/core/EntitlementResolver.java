package io.idxauth.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the entity names a client asked for into the entitlements it gets. Names it is not entitled
 * to, or that name no entity, are dropped silently (the Access Token API says so); the operations
 * granted are those of the entitlement that the entity still offers. The reserved entity {@code
 * idx-admin} is granted by an admin role instead of an entitlement.
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
      Optional<Entitlement> held =
          name.equals(Role.ADMIN_ENTITY) ? adminGrant(account) : heldFor(account, name);
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

  /**
   * The reserved admin entity is held by role, never by an entitlement: an admin gets it for its
   * own participant; what it may do with it is decided by the admin API from its current roles.
   */
  private static Optional<Entitlement> adminGrant(AccountRecord account) {
    ServiceAccount a = account.account();
    return a.isAdmin()
        ? Optional.of(
            new Entitlement(
                Role.ADMIN_ENTITY, Set.of(a.participantId()), EnumSet.allOf(Operation.class)))
        : Optional.empty();
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
