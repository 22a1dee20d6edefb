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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 * as they are. Accounts are compared with the store and written a thousand at a time, so an import
 * of 100,000 accounts takes seconds (bench/scale.sh).
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

  /**
   * Applies the provisioning, which names each account once.
   *
   * @throws IllegalArgumentException when an account is named twice
   * @throws StoreException when the store refuses a write: then nothing was written
   */
  public Report apply(Provisioning provisioning) {
    Set<String> clientIds = new HashSet<>();
    for (Provisioning.AccountSpec spec : provisioning.accounts()) {
      if (!clientIds.add(spec.clientId())) {
        throw new IllegalArgumentException("account '" + spec.clientId() + "' is listed twice");
      }
    }
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
          Counts accounts = accounts(c, provisioning.accounts(), wantedHashes, now);
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

  /**
   * Makes the accounts what the file says, a thousand at a time: what the store holds of them is
   * read in three statements, compared in memory, and the changes sent as JDBC batches.
   */
  private Counts accounts(
      Connection c,
      List<Provisioning.AccountSpec> specs,
      Map<String, List<String>> wantedHashes,
      Instant now)
      throws SQLException {
    if (store.dialect() == Database.Dialect.POSTGRESQL) {
      // Every read of this transaction is by key. Without statistics (a table loaded in bulk
      // moments ago, or by this very transaction) the planner takes a thousand keys for most of
      // the table and scans all of it, once per thousand accounts.
      try (PreparedStatement s = c.prepareStatement("SET LOCAL enable_seqscan = off")) {
        s.execute();
      }
    }
    Counts counts = new Counts(0, 0, 0);
    try (AccountWrites writes = new AccountWrites(c)) {
      for (int from = 0; from < specs.size(); from += JdbcStore.ACCOUNTS_PER_READ) {
        List<Provisioning.AccountSpec> chunk =
            specs.subList(from, Math.min(specs.size(), from + JdbcStore.ACCOUNTS_PER_READ));
        Map<String, AccountRecord> held =
            JdbcStore.accounts(c, chunk.stream().map(Provisioning.AccountSpec::clientId).toList());
        for (Provisioning.AccountSpec spec : chunk) {
          String clientId = spec.clientId();
          counts =
              counts.plus(
                  upsert(writes, spec, held.get(clientId), wantedHashes.get(clientId), now));
        }
        writes.execute();
      }
    }
    return counts;
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

  /**
   * Queues what makes the account of {@code spec} what the file says, given what the store holds of
   * it ({@code held}, or {@code null}).
   */
  private static Change upsert(
      AccountWrites writes,
      Provisioning.AccountSpec spec,
      AccountRecord held,
      List<String> wantedHashes,
      Instant now)
      throws SQLException {
    ServiceAccount account =
        new ServiceAccount(
            spec.clientId(),
            spec.participantId(),
            spec.enabled(),
            spec.roles(),
            spec.tokenLifetime());
    boolean changed = false;
    if (held == null) {
      writes.insertAccount(account, now);
    } else if (!held.account().equals(account)) {
      writes.updateAccount(account);
      changed = true;
    }
    List<String> heldHashes =
        held == null ? List.of() : held.secrets().stream().map(ClientSecret::hash).toList();
    if (wantedHashes != null && !Set.copyOf(heldHashes).equals(Set.copyOf(wantedHashes))) {
      if (!heldHashes.isEmpty()) {
        writes.deleteSecrets(spec.clientId());
      }
      for (String hash : wantedHashes) {
        Provisioning.AccountSpec.SecretDates dates = spec.secretDates().get(hash);
        writes.insertSecret(
            spec.clientId(),
            hash,
            dates == null || dates.created() == null ? now : dates.created(),
            dates == null ? null : dates.expires());
      }
      changed = true;
    }
    List<Entitlement> heldEntitlements = held == null ? List.of() : held.entitlements();
    if (!new HashSet<>(heldEntitlements).equals(new HashSet<>(spec.entitlements()))) {
      if (!heldEntitlements.isEmpty()) {
        writes.deleteEntitlements(spec.clientId());
      }
      for (Entitlement e : spec.entitlements()) {
        writes.insertEntitlement(spec.clientId(), e);
      }
      changed = true;
    }
    if (held == null) {
      return Change.CREATED;
    }
    return changed ? Change.UPDATED : Change.UNCHANGED;
  }

  /**
   * The writes of accounts, their secrets and their entitlements, queued as JDBC batches and sent
   * by {@link #execute} in an order the foreign keys accept: accounts first, old rows out before
   * new ones in.
   */
  private static final class AccountWrites implements AutoCloseable {
    private final PreparedStatement insertAccount;
    private final PreparedStatement updateAccount;
    private final PreparedStatement deleteSecrets;
    private final PreparedStatement deleteEntitlements;
    private final PreparedStatement insertSecret;
    private final PreparedStatement insertEntitlement;
    private final List<PreparedStatement> inOrder;
    private final Set<PreparedStatement> queued =
        Collections.newSetFromMap(new IdentityHashMap<>());

    AccountWrites(Connection c) throws SQLException {
      insertAccount =
          c.prepareStatement(
              "INSERT INTO service_account (participant_id, enabled, roles, token_lifetime_s,"
                  + " client_id, created_at) VALUES (?, ?, ?, ?, ?, ?)");
      updateAccount =
          c.prepareStatement(
              "UPDATE service_account SET participant_id = ?, enabled = ?, roles = ?,"
                  + " token_lifetime_s = ? WHERE client_id = ?");
      deleteSecrets = c.prepareStatement("DELETE FROM client_secret WHERE client_id = ?");
      deleteEntitlements = c.prepareStatement("DELETE FROM entitlement WHERE client_id = ?");
      insertSecret =
          c.prepareStatement(
              "INSERT INTO client_secret (id, client_id, hash, created_at, expires_at)"
                  + " VALUES (?, ?, ?, ?, ?)");
      insertEntitlement =
          c.prepareStatement(
              "INSERT INTO entitlement (client_id, entity_name, participant_ids, operations)"
                  + " VALUES (?, ?, ?, ?)");
      inOrder =
          List.of(
              insertAccount,
              updateAccount,
              deleteSecrets,
              deleteEntitlements,
              insertSecret,
              insertEntitlement);
    }

    void insertAccount(ServiceAccount account, Instant now) throws SQLException {
      setAccount(insertAccount, account);
      insertAccount.setLong(6, now.toEpochMilli());
      add(insertAccount);
    }

    void updateAccount(ServiceAccount account) throws SQLException {
      setAccount(updateAccount, account);
      add(updateAccount);
    }

    void deleteSecrets(String clientId) throws SQLException {
      deleteSecrets.setString(1, clientId);
      add(deleteSecrets);
    }

    void deleteEntitlements(String clientId) throws SQLException {
      deleteEntitlements.setString(1, clientId);
      add(deleteEntitlements);
    }

    void insertSecret(String clientId, String hash, Instant created, Instant expires)
        throws SQLException {
      insertSecret.setString(1, UUID.randomUUID().toString());
      insertSecret.setString(2, clientId);
      insertSecret.setString(3, hash);
      insertSecret.setLong(4, created.toEpochMilli());
      if (expires == null) {
        insertSecret.setNull(5, Types.BIGINT);
      } else {
        insertSecret.setLong(5, expires.toEpochMilli());
      }
      add(insertSecret);
    }

    void insertEntitlement(String clientId, Entitlement e) throws SQLException {
      insertEntitlement.setString(1, clientId);
      insertEntitlement.setString(2, e.entity());
      insertEntitlement.setString(3, JdbcStore.join(e.participantIds()));
      insertEntitlement.setString(4, JdbcStore.joinOperations(e.operations()));
      add(insertEntitlement);
    }

    private void add(PreparedStatement s) throws SQLException {
      s.addBatch();
      queued.add(s);
    }

    /** Sends everything queued. */
    void execute() throws SQLException {
      for (PreparedStatement s : inOrder) {
        if (queued.remove(s)) {
          s.executeBatch();
        }
      }
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement s : inOrder) {
        s.close();
      }
    }
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
}
