package io.idxauth.store;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.ServiceAccount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a validated provisioning file to the store in one transaction: all of it or nothing.
 * Importing the same file twice changes nothing: a plain secret that the account's current secret
 * already matches is not re-hashed, and secret hashes that are the ones the account holds are left
 * as they are.
 */
public final class Importer {

  /** How many items of one kind were created, updated or left as they were. */
  public record Counts(int created, int updated, int unchanged) {
    Counts plus(Change change) {
      return switch (change) {
        case CREATED -> new Counts(created + 1, updated, unchanged);
        case UPDATED -> new Counts(created, updated + 1, unchanged);
        case UNCHANGED -> new Counts(created, updated, unchanged + 1);
      };
    }
  }

  /** What an import did, per kind of item, in file order. */
  public record Report(Map<String, Counts> counts) {
    public boolean changedAnything() {
      return counts.values().stream().anyMatch(c -> c.created() + c.updated() > 0);
    }
  }

  private enum Change {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  private final JdbcStore store;
  private final SecretHashes hashes;
  private final Clock clock;

  public Importer(JdbcStore store, SecretHashes hashes, Clock clock) {
    this.store = store;
    this.hashes = hashes;
    this.clock = clock;
  }

  /** What the file checks references against: the store as it is. */
  public ProvisioningFile.Existing existing() {
    return new ProvisioningFile.Existing() {
      @Override
      public boolean participantExists(String id) {
        return store.participant(id).isPresent();
      }

      @Override
      public Optional<Entity> entity(String name) {
        return store.entity(name);
      }
    };
  }

  public Report apply(Provisioning provisioning) {
    // Slow hashing happens before the write transaction, so the store is locked only briefly.
    Map<String, List<String>> wantedHashes = new HashMap<>();
    for (Provisioning.AccountSpec spec : provisioning.accounts()) {
      List<String> wanted = wantedHashes(spec);
      if (wanted != null) {
        wantedHashes.put(spec.clientId(), wanted);
      }
    }
    Instant now = clock.instant();
    return store.write(
        c -> {
          // Entities first: what participants hold and accounts are entitled to refers to them.
          Counts entities = new Counts(0, 0, 0);
          for (Entity e : provisioning.entities()) {
            entities = entities.plus(upsert(c, e, provisioning.catalogue(e.name())));
          }
          Counts participants = new Counts(0, 0, 0);
          for (Participant p : provisioning.participants()) {
            Change change = upsert(c, p);
            List<Entitlement> held = provisioning.holdings().get(p.id());
            if (held != null
                && JdbcStore.replaceHoldings(c, p.id(), held)
                && change == Change.UNCHANGED) {
              change = Change.UPDATED;
            }
            participants = participants.plus(change);
          }
          Counts accounts = new Counts(0, 0, 0);
          for (Provisioning.AccountSpec spec : provisioning.accounts()) {
            accounts = accounts.plus(upsert(c, spec, wantedHashes.get(spec.clientId()), now));
          }
          Map<String, Counts> counts = new LinkedHashMap<>();
          counts.put("participants", participants);
          counts.put("entities", entities);
          counts.put("accounts", accounts);
          Report report = new Report(counts);
          if (report.changedAnything()) {
            JdbcStore.bumpRevision(c);
            AuditEvent event = imported(report, now);
            AuditLog.insert(c, event);
            AuditLog.log(event);
          }
          return report;
        });
  }

  /** The audit event of an import that changed something: who ran it and what it changed. */
  private static AuditEvent imported(Report report, Instant now) {
    Map<String, Object> detail = new LinkedHashMap<>();
    report
        .counts()
        .forEach(
            (kind, n) ->
                detail.put(
                    kind,
                    Map.of(
                        "created",
                        n.created(),
                        "updated",
                        n.updated(),
                        "unchanged",
                        n.unchanged())));
    return new AuditEvent(
        0,
        now,
        "import.applied",
        "import:" + System.getProperty("user.name"),
        null,
        null,
        null,
        detail);
  }

  /**
   * The hashes of the secrets the account must hold after the import, or {@code null} when it keeps
   * the ones it has: the file names no secret, or its plain secret is the one secret the account
   * holds.
   */
  private List<String> wantedHashes(Provisioning.AccountSpec spec) {
    if (spec.secret() == null) {
      return spec.secretHashes().isEmpty() ? null : spec.secretHashes();
    }
    List<ClientSecret> current =
        store.account(spec.clientId()).map(AccountRecord::secrets).orElse(List.of());
    if (current.size() == 1 && hashes.verify(spec.secret(), current.get(0).hash())) {
      return null;
    }
    return List.of(hashes.hash(spec.secret()));
  }

  private static Change upsert(Connection c, Participant p) throws SQLException {
    Optional<Participant> held = JdbcStore.participant(c, p.id());
    if (held.isPresent() && held.get().equals(p)) {
      return Change.UNCHANGED;
    }
    String sql =
        held.isPresent()
            ? "UPDATE participant SET name = ? WHERE id = ?"
            : "INSERT INTO participant (name, id) VALUES (?, ?)";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, p.name());
      s.setString(2, p.id());
      s.executeUpdate();
    }
    return held.isPresent() ? Change.UPDATED : Change.CREATED;
  }

  /** The entity, with exactly the title and resources of {@code catalogue}. */
  private static Change upsert(Connection c, Entity e, Provisioning.Catalogue catalogue)
      throws SQLException {
    Optional<Entity> held = JdbcStore.entity(c, e.name());
    boolean changed = false;
    if (held.isEmpty() || !held.get().equals(e)) {
      String sql =
          held.isPresent()
              ? "UPDATE entity SET kind = ?, description = ?, operations = ? WHERE name = ?"
              : "INSERT INTO entity (kind, description, operations, name) VALUES (?, ?, ?, ?)";
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, e.kind().wireName());
        s.setString(2, e.description());
        s.setString(3, JdbcStore.joinOperations(e.operations()));
        s.setString(4, e.name());
        s.executeUpdate();
      }
      changed = true;
    }
    changed |= BusinessFunctions.replace(c, e.name(), catalogue);
    if (held.isEmpty()) {
      return Change.CREATED;
    }
    return changed ? Change.UPDATED : Change.UNCHANGED;
  }

  private static Change upsert(
      Connection c, Provisioning.AccountSpec spec, List<String> wantedHashes, Instant now)
      throws SQLException {
    Optional<AccountRecord> held = JdbcStore.account(c, spec.clientId());
    ServiceAccount account =
        new ServiceAccount(
            spec.clientId(),
            spec.participantId(),
            spec.enabled(),
            spec.roles(),
            spec.tokenLifetime());
    boolean changed = false;
    if (held.isEmpty()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO service_account (participant_id, enabled, roles, token_lifetime_s,"
                  + " client_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        setAccount(s, account);
        s.setLong(6, now.toEpochMilli());
        s.executeUpdate();
      }
    } else if (!held.get().account().equals(account)) {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE service_account SET participant_id = ?, enabled = ?, roles = ?,"
                  + " token_lifetime_s = ? WHERE client_id = ?")) {
        setAccount(s, account);
        s.executeUpdate();
      }
      changed = true;
    }
    List<String> heldHashes =
        held.map(AccountRecord::secrets).orElse(List.of()).stream()
            .map(ClientSecret::hash)
            .toList();
    if (wantedHashes != null && !Set.copyOf(heldHashes).equals(Set.copyOf(wantedHashes))) {
      exec(c, "DELETE FROM client_secret WHERE client_id = ?", spec.clientId());
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO client_secret (id, client_id, hash, created_at, expires_at)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (String hash : wantedHashes) {
          Provisioning.AccountSpec.SecretDates dates = spec.secretDates().get(hash);
          s.setString(1, UUID.randomUUID().toString());
          s.setString(2, spec.clientId());
          s.setString(3, hash);
          s.setLong(
              4,
              dates == null || dates.created() == null
                  ? now.toEpochMilli()
                  : dates.created().toEpochMilli());
          if (dates == null || dates.expires() == null) {
            s.setNull(5, Types.BIGINT);
          } else {
            s.setLong(5, dates.expires().toEpochMilli());
          }
          s.addBatch();
        }
        s.executeBatch();
      }
      changed = true;
    }
    List<Entitlement> heldEntitlements = held.map(AccountRecord::entitlements).orElse(List.of());
    if (!new HashSet<>(heldEntitlements).equals(new HashSet<>(spec.entitlements()))) {
      exec(c, "DELETE FROM entitlement WHERE client_id = ?", spec.clientId());
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO entitlement (client_id, entity_name, participant_ids, operations)"
                  + " VALUES (?, ?, ?, ?)")) {
        for (Entitlement e : spec.entitlements()) {
          s.setString(1, spec.clientId());
          s.setString(2, e.entity());
          s.setString(3, JdbcStore.join(e.participantIds()));
          s.setString(4, JdbcStore.joinOperations(e.operations()));
          s.addBatch();
        }
        s.executeBatch();
      }
      changed = true;
    }
    if (held.isEmpty()) {
      return Change.CREATED;
    }
    return changed ? Change.UPDATED : Change.UNCHANGED;
  }

  /** Sets participant_id, enabled, roles, token_lifetime_s and client_id, in that order. */
  private static void setAccount(PreparedStatement s, ServiceAccount a) throws SQLException {
    s.setString(1, a.participantId());
    s.setBoolean(2, a.enabled());
    s.setString(3, Role.join(a.roles()));
    if (a.tokenLifetime() == null) {
      s.setNull(4, Types.BIGINT);
    } else {
      s.setLong(4, a.tokenLifetime().toSeconds());
    }
    s.setString(5, a.clientId());
  }

  private static void exec(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      s.executeUpdate();
    }
  }
}
