package io.idxauth.store;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Participant;
import io.idxauth.core.SecretHashes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies a validated provisioning file to the store in one transaction: all of it or nothing.
 * Importing the same file twice changes nothing: a plain secret that the account's current secret
 * already matches is not re-hashed.
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
    Map<String, String> newHashes = new HashMap<>();
    for (Provisioning.AccountSpec spec : provisioning.accounts()) {
      String wanted = wantedHash(spec);
      if (wanted != null) {
        newHashes.put(spec.clientId(), wanted);
      }
    }
    Instant now = clock.instant();
    return store.write(
        c -> {
          Counts participants = new Counts(0, 0, 0);
          for (Participant p : provisioning.participants()) {
            participants = participants.plus(upsert(c, p));
          }
          Counts entities = new Counts(0, 0, 0);
          for (Entity e : provisioning.entities()) {
            entities = entities.plus(upsert(c, e));
          }
          Counts accounts = new Counts(0, 0, 0);
          for (Provisioning.AccountSpec spec : provisioning.accounts()) {
            accounts = accounts.plus(upsert(c, spec, newHashes.get(spec.clientId()), now));
          }
          Map<String, Counts> counts = new LinkedHashMap<>();
          counts.put("participants", participants);
          counts.put("entities", entities);
          counts.put("accounts", accounts);
          Report report = new Report(counts);
          if (report.changedAnything()) {
            JdbcStore.bumpRevision(c);
          }
          return report;
        });
  }

  /**
   * The hash the account's secret must have after the import, or {@code null} when the secrets it
   * holds already match the file (or the file names no secret).
   */
  private String wantedHash(Provisioning.AccountSpec spec) {
    if (spec.secret() == null && spec.secretHash() == null) {
      return null;
    }
    List<ClientSecret> current =
        store.account(spec.clientId()).map(AccountRecord::secrets).orElse(List.of());
    if (current.size() == 1) {
      String held = current.get(0).hash();
      if (spec.secretHash() != null
          ? held.equals(spec.secretHash())
          : hashes.verify(spec.secret(), held)) {
        return null;
      }
    }
    return spec.secretHash() != null ? spec.secretHash() : hashes.hash(spec.secret());
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

  private static Change upsert(Connection c, Entity e) throws SQLException {
    Optional<Entity> held = JdbcStore.entity(c, e.name());
    if (held.isPresent() && held.get().equals(e)) {
      return Change.UNCHANGED;
    }
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
    return held.isPresent() ? Change.UPDATED : Change.CREATED;
  }

  private static Change upsert(
      Connection c, Provisioning.AccountSpec spec, String newHash, Instant now)
      throws SQLException {
    Optional<AccountRecord> held = JdbcStore.account(c, spec.clientId());
    boolean changed = false;
    if (held.isEmpty()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO service_account (client_id, participant_id, enabled, created_at)"
                  + " VALUES (?, ?, ?, ?)")) {
        s.setString(1, spec.clientId());
        s.setString(2, spec.participantId());
        s.setBoolean(3, spec.enabled());
        s.setLong(4, now.toEpochMilli());
        s.executeUpdate();
      }
    } else if (!held.get().account().participantId().equals(spec.participantId())
        || held.get().account().enabled() != spec.enabled()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE service_account SET participant_id = ?, enabled = ? WHERE client_id = ?")) {
        s.setString(1, spec.participantId());
        s.setBoolean(2, spec.enabled());
        s.setString(3, spec.clientId());
        s.executeUpdate();
      }
      changed = true;
    }
    if (newHash != null) {
      exec(c, "DELETE FROM client_secret WHERE client_id = ?", spec.clientId());
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO client_secret (id, client_id, hash, created_at) VALUES (?, ?, ?, ?)")) {
        s.setString(1, UUID.randomUUID().toString());
        s.setString(2, spec.clientId());
        s.setString(3, newHash);
        s.setLong(4, now.toEpochMilli());
        s.executeUpdate();
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

  private static void exec(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      s.executeUpdate();
    }
  }
}
