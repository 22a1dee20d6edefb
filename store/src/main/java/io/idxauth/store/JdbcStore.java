package io.idxauth.store;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The one persistence port of idx-auth, over JDBC. Every method is one short transaction. */
public final class JdbcStore {

  private final DataSource dataSource;
  private final Database.Dialect dialect;

  public JdbcStore(Database database) {
    this.dataSource = database.dataSource();
    this.dialect = database.dialect();
  }

  public Database.Dialect dialect() {
    return dialect;
  }

  /** The pool, for a connection held apart (the change listener). */
  DataSource dataSource() {
    return dataSource;
  }

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("store read failed: " + e.getMessage(), e);
    }
  }

  /**
   * A write that reads what it builds on (an admin change, an import, a key rotation): such writes
   * run one after another, across every instance of the store. SQLite's writer lock does that by
   * itself; on PostgreSQL the transaction first takes the revision row, which they all update.
   */
  <T> T write(Work<T> work) {
    return transaction(
        c -> {
          if (dialect == Database.Dialect.POSTGRESQL) {
            try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT revision FROM store_revision WHERE id = 1 FOR UPDATE");
                ResultSet r = s.executeQuery()) {
              r.next();
            }
          }
          return work.run(c);
        });
  }

  /**
   * A write that builds on nothing it read (audit rows, counters updated in one statement): it need
   * not wait for the writers of {@link #write}.
   */
  <T> T append(Work<T> work) {
    return transaction(work);
  }

  private <T> T transaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("store write failed: " + e.getMessage(), e);
    }
  }

  /** A number that changes whenever anything the token path caches changes. */
  public long revision() {
    return read(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement("SELECT revision FROM store_revision WHERE id = 1");
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  /** What a revision changed, as far as the caches of the token path care. */
  public record Change(long revision, String scope, String subject) {
    /** One account (subject: its client_id): its secrets, entitlements, roles, state. */
    public static final String ACCOUNT = "account";

    /** The signing keys. */
    public static final String KEYS = "keys";

    /** Anything else: the catalogue, participants, an import. */
    public static final String ALL = "all";
  }

  /** Bumps the revision for a change that may touch anything the token path caches. */
  static void bumpRevision(Connection c) throws SQLException {
    bumpRevision(c, Change.ALL, null);
  }

  /**
   * Bumps the revision and records what changed, in the caller's transaction. Every revision has
   * exactly one change row, so a reader can tell whether it has seen them all. On PostgreSQL the
   * instances listening are told at commit (NOTIFY), so they need not wait for their poll.
   */
  static void bumpRevision(Connection c, String scope, String subject) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")) {
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO store_change (revision, scope, subject, at)"
                + " SELECT revision, ?, ?, ? FROM store_revision WHERE id = 1")) {
      s.setString(1, scope);
      s.setString(2, subject);
      s.setLong(3, System.currentTimeMillis());
      s.executeUpdate();
    }
    if (c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
      try (PreparedStatement s = c.prepareStatement("NOTIFY " + CHANGE_CHANNEL)) {
        s.execute();
      }
    }
  }

  /** The PostgreSQL notification channel of store changes. */
  public static final String CHANGE_CHANNEL = "idx_auth_store_change";

  /**
   * The changes of the revisions after {@code after} up to {@code upTo}, in order; empty when some
   * are no longer stored (purged), so the caller must assume everything changed.
   */
  public Optional<List<Change>> changes(long after, long upTo) {
    return read(
        c -> {
          List<Change> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT revision, scope, subject FROM store_change"
                      + " WHERE revision > ? AND revision <= ? ORDER BY revision")) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(new Change(r.getLong(1), r.getString(2), r.getString(3)));
              }
            }
          }
          return out.size() == upTo - after ? Optional.of(out) : Optional.empty();
        });
  }

  /** Deletes the change rows of revisions made before {@code before}; returns how many. */
  public int purgeChanges(Instant before) {
    return append(
        c -> {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM store_change WHERE at < ?")) {
            s.setLong(1, before.toEpochMilli());
            return s.executeUpdate();
          }
        });
  }

  // --- participants and entities ---------------------------------------------------------------

  public Optional<Participant> participant(String id) {
    return read(c -> participant(c, id));
  }

  static Optional<Participant> participant(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT id, name FROM participant WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new Participant(r.getString(1), r.getString(2)))
            : Optional.empty();
      }
    }
  }

  public List<Entity> entities() {
    return read(
        c -> {
          List<Entity> out = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT name, kind, description, operations FROM entity ORDER BY name");
              ResultSet r = s.executeQuery()) {
            while (r.next()) {
              out.add(entity(r));
            }
          }
          return out;
        });
  }

  public Optional<Entity> entity(String name) {
    return read(c -> entity(c, name));
  }

  static Optional<Entity> entity(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT name, kind, description, operations FROM entity WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(entity(r)) : Optional.empty();
      }
    }
  }

  private static Entity entity(ResultSet r) throws SQLException {
    return new Entity(
        r.getString(1),
        EntityKind.fromWireName(r.getString(2)),
        r.getString(3),
        operations(r.getString(4)));
  }

  /** What the operator has granted a participant, by entity name. */
  static List<Entitlement> holdings(Connection c, String participantId) throws SQLException {
    List<Entitlement> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT entity_name, participant_ids, operations FROM participant_entitlement"
                + " WHERE participant_id = ? ORDER BY entity_name")) {
      s.setString(1, participantId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new Entitlement(r.getString(1), list(r.getString(2)), operations(r.getString(3))));
        }
      }
    }
    return out;
  }

  /** Sets what a participant holds; true when that changed it. */
  static boolean replaceHoldings(Connection c, String participantId, List<Entitlement> held)
      throws SQLException {
    if (new HashSet<>(holdings(c, participantId)).equals(new HashSet<>(held))) {
      return false;
    }
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM participant_entitlement WHERE participant_id = ?")) {
      s.setString(1, participantId);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO participant_entitlement"
                + " (participant_id, entity_name, participant_ids, operations) VALUES (?, ?, ?, ?)")) {
      for (Entitlement e : held) {
        s.setString(1, participantId);
        s.setString(2, e.entity());
        s.setString(3, join(e.participantIds()));
        s.setString(4, joinOperations(e.operations()));
        s.addBatch();
      }
      s.executeBatch();
    }
    return true;
  }

  // --- accounts ----------------------------------------------------------------------------------

  /**
   * An account with its secrets and entitlements. Read without a write transaction, so that cache
   * loads never queue behind writers; a write between its reads bumps the revision, and the token
   * path's caches drop what was read at the next poll.
   */
  public Optional<AccountRecord> account(String clientId) {
    return read(c -> account(c, clientId));
  }

  static Optional<AccountRecord> account(Connection c, String clientId) throws SQLException {
    return Optional.ofNullable(accounts(c, List.of(clientId)).get(clientId));
  }

  /** How many client IDs one statement of {@link #accounts} names at most. */
  static final int ACCOUNTS_PER_READ = 1_000;

  /**
   * The accounts of {@code clientIds} (at most {@link #ACCOUNTS_PER_READ}) that exist, with their
   * secrets and entitlements, by client ID: three statements, however many accounts.
   */
  static Map<String, AccountRecord> accounts(Connection c, Collection<String> clientIds)
      throws SQLException {
    if (clientIds.size() > ACCOUNTS_PER_READ) {
      throw new IllegalArgumentException("at most " + ACCOUNTS_PER_READ + " accounts at a time");
    }
    Map<String, AccountRecord> out = new HashMap<>();
    if (clientIds.isEmpty()) {
      return out;
    }
    String in = " IN (" + String.join(", ", Collections.nCopies(clientIds.size(), "?")) + ")";
    Map<String, ServiceAccount> accounts = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT client_id, participant_id, enabled, roles, token_lifetime_s"
                + " FROM service_account WHERE client_id"
                + in)) {
      bind(s, clientIds);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ServiceAccount account = serviceAccount(r);
          accounts.put(account.clientId(), account);
        }
      }
    }
    if (accounts.isEmpty()) {
      return out;
    }
    Map<String, List<ClientSecret>> secrets = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT client_id, id, hash, created_at, expires_at FROM client_secret WHERE client_id"
                + in
                + " ORDER BY created_at DESC, id")) {
      bind(s, clientIds);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          secrets
              .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(
                  new ClientSecret(
                      r.getString(2),
                      r.getString(3),
                      Instant.ofEpochMilli(r.getLong(4)),
                      instantOrNull(r, 5)));
        }
      }
    }
    Map<String, List<Entitlement>> entitlements = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT client_id, entity_name, participant_ids, operations FROM entitlement"
                + " WHERE client_id"
                + in
                + " ORDER BY entity_name")) {
      bind(s, clientIds);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          entitlements
              .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(
                  new Entitlement(
                      r.getString(2), list(r.getString(3)), operations(r.getString(4))));
        }
      }
    }
    accounts.forEach(
        (clientId, account) ->
            out.put(
                clientId,
                new AccountRecord(
                    account,
                    secrets.getOrDefault(clientId, List.of()),
                    entitlements.getOrDefault(clientId, List.of()))));
    return out;
  }

  private static void bind(PreparedStatement s, Collection<String> values) throws SQLException {
    int i = 1;
    for (String value : values) {
      s.setString(i++, value);
    }
  }

  /**
   * A service account from a row of client_id, participant_id, enabled, roles, token_lifetime_s.
   */
  static ServiceAccount serviceAccount(ResultSet r) throws SQLException {
    long lifetime = r.getLong(5);
    Duration tokenLifetime = r.wasNull() ? null : Duration.ofSeconds(lifetime);
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : list(r.getString(4))) {
      Role role = Role.fromWireName(name);
      if (role != null) {
        roles.add(role);
      }
    }
    return new ServiceAccount(
        r.getString(1), r.getString(2), r.getBoolean(3), roles, tokenLifetime);
  }

  static Instant instantOrNull(ResultSet r, int column) throws SQLException {
    long millis = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  // --- list columns ------------------------------------------------------------------------------

  static Set<String> list(String joined) {
    if (joined == null || joined.isEmpty()) {
      return Set.of();
    }
    return new LinkedHashSet<>(Arrays.asList(joined.split(",")));
  }

  static String join(Set<String> values) {
    return String.join(",", values);
  }

  static Set<Operation> operations(String joined) {
    Set<Operation> out = EnumSet.noneOf(Operation.class);
    for (String name : list(joined)) {
      Operation op = Operation.fromWireName(name);
      if (op != null) {
        out.add(op);
      }
    }
    return out;
  }

  static String joinOperations(Set<Operation> operations) {
    return operations.stream().map(Operation::wireName).collect(Collectors.joining(","));
  }
}
