package io.idxauth.store;

import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Operation;
import io.idxauth.core.ParticipantRecord;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one JSON shape of each administered thing, as plain maps: what the admin API returns and what
 * the audit trail records as before and after.
 */
public final class Views {

  private Views() {}

  public static Map<String, Object> participant(ParticipantRecord p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.participant().name());
    m.put("entitlements", p.holdings().stream().map(Views::entitlement).toList());
    return m;
  }

  public static Map<String, Object> entity(Entity e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("kind", e.kind().wireName());
    m.put("description", e.description());
    m.put("operations", operations(e.operations()));
    return m;
  }

  public static Map<String, Object> entitlement(Entitlement e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("entity", e.entity());
    m.put("participants", List.copyOf(e.participantIds()));
    m.put("operations", operations(e.operations()));
    return m;
  }

  /** An account as the admin API shows it; no secret, ever. */
  public static Map<String, Object> account(
      ServiceAccount a, Instant created, Instant lockedUntil) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clientId", a.clientId());
    m.put("participant", a.participantId());
    m.put("enabled", a.enabled());
    m.put("roles", a.roles().stream().map(Role::wireName).toList());
    m.put("tokenLifetimeSeconds", a.tokenLifetime() == null ? null : a.tokenLifetime().toSeconds());
    m.put("created", time(created));
    m.put("lockedUntil", time(lockedUntil));
    return m;
  }

  public static List<String> operations(Set<Operation> operations) {
    return operations.stream().map(Operation::wireName).toList();
  }

  public static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
