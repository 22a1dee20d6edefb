package io.idxauth.store;

import io.idxauth.core.AccountPolicy;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.ParticipantRecord;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The administrative writes and reads of the store. Every change is one transaction that also
 * stores its audit event (who, what, before and after) and bumps the store revision, so the token
 * path of every instance sees it within a poll.
 */
public final class AdminStore {

  /** Who is changing something, for the audit trail. */
  public record Actor(String clientId, String source) {}

  /** An account as listed: the account and when it was made. */
  public record AccountSummary(ServiceAccount account, Instant created) {}

  /** A page of accounts and the cursor of the next one, or {@code null}. */
  public record AccountPage(List<AccountSummary> items, String nextCursor) {}

  /** A secret's metadata; the hash never leaves the store through here. */
  public record SecretInfo(String id, Instant created, Instant expires, Instant lastUsed) {}

  /** The thing does not exist. */
  public static final class NotFound extends RuntimeException {
    public NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /** The change conflicts with what the store holds (exists already, still referenced, …). */
  public static final class Conflict extends RuntimeException {
    public Conflict(String message) {
      super(message, null, false, false);
    }
  }

  private final JdbcStore store;
  private final AccountPolicy policy;

  public AdminStore(JdbcStore store, AccountPolicy policy) {
    this.store = store;
    this.policy = policy;
  }

  // --- participants ------------------------------------------------------------------------------

  public List<ParticipantRecord> participants() {
    return store.read(
        c -> {
          List<ParticipantRecord> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement("SELECT id FROM participant ORDER BY id");
              ResultSet r = s.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (r.next()) {
              ids.add(r.getString(1));
            }
            for (String id : ids) {
              participantRecord(c, id).ifPresent(out::add);
            }
          }
          return out;
        });
  }

  public Optional<ParticipantRecord> participant(String id) {
    return store.read(c -> participantRecord(c, id));
  }

  static Optional<ParticipantRecord> participantRecord(Connection c, String id)
      throws SQLException {
    Optional<Participant> p = JdbcStore.participant(c, id);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ParticipantRecord(p.get(), JdbcStore.holdings(c, id)));
  }

  public ParticipantRecord createParticipant(ParticipantRecord p, Actor actor) {
    return store.write(
        c -> {
          if (JdbcStore.participant(c, p.id()).isPresent()) {
            throw new Conflict("participant " + p.id() + " exists already");
          }
          try (PreparedStatement s =
              c.prepareStatement("INSERT INTO participant (id, name) VALUES (?, ?)")) {
            s.setString(1, p.id());
            s.setString(2, p.participant().name());
            s.executeUpdate();
          }
          JdbcStore.replaceHoldings(c, p.id(), p.holdings());
          audit(c, "participant.created", actor, null, p.id(), null, Views.participant(p));
          return p;
        });
  }

  /** Replaces the name and, when {@code holdings} is not null, what the participant holds. */
  public ParticipantRecord updateParticipant(
      String id, String name, List<Entitlement> holdings, Actor actor) {
    return store.write(
        c -> {
          ParticipantRecord before = participantRecord(c, id).orElseThrow(() -> notFound(id));
          ParticipantRecord after =
              new ParticipantRecord(
                  new Participant(id, name == null ? before.participant().name() : name),
                  holdings == null ? before.holdings() : holdings);
          try (PreparedStatement s =
              c.prepareStatement("UPDATE participant SET name = ? WHERE id = ?")) {
            s.setString(1, after.participant().name());
            s.setString(2, id);
            s.executeUpdate();
          }
          if (holdings != null) {
            JdbcStore.replaceHoldings(c, id, holdings);
          }
          audit(
              c,
              "participant.updated",
              actor,
              null,
              id,
              Views.participant(before),
              Views.participant(after));
          return after;
        });
  }

  public void deleteParticipant(String id, Actor actor) {
    store.write(
        c -> {
          ParticipantRecord before = participantRecord(c, id).orElseThrow(() -> notFound(id));
          int accounts =
              count(c, "SELECT COUNT(*) FROM service_account WHERE participant_id = ?", id);
          if (accounts > 0) {
            throw new Conflict(
                "participant " + id + " still owns " + accounts + " account(s): delete them first");
          }
          String like = "%," + id + ",%";
          int named =
              count(
                      c,
                      "SELECT COUNT(*) FROM entitlement WHERE ',' || participant_ids || ',' LIKE ?",
                      like)
                  + count(
                      c,
                      "SELECT COUNT(*) FROM participant_entitlement"
                          + " WHERE participant_id <> ? AND ',' || participant_ids || ',' LIKE ?",
                      id,
                      like);
          if (named > 0) {
            throw new Conflict(
                "participant "
                    + id
                    + " is named in "
                    + named
                    + " entitlement(s): revoke them first");
          }
          exec(c, "DELETE FROM participant_entitlement WHERE participant_id = ?", id);
          exec(c, "DELETE FROM participant WHERE id = ?", id);
          audit(c, "participant.deleted", actor, null, id, Views.participant(before), null);
          return null;
        });
  }

  // --- entities ----------------------------------------------------------------------------------

  public Entity createEntity(Entity e, Actor actor) {
    return store.write(
        c -> {
          if (JdbcStore.entity(c, e.name()).isPresent()) {
            throw new Conflict("entity " + e.name() + " exists already");
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO entity (name, kind, description, operations) VALUES (?, ?, ?, ?)")) {
            s.setString(1, e.name());
            s.setString(2, e.kind().wireName());
            s.setString(3, e.description());
            s.setString(4, JdbcStore.joinOperations(e.operations()));
            s.executeUpdate();
          }
          audit(c, "entity.created", actor, null, null, null, Views.entity(e));
          return e;
        });
  }

  public Entity updateEntity(String name, UnaryOperator<Entity> change, Actor actor) {
    return store.write(
        c -> {
          reserved(name);
          Entity before = JdbcStore.entity(c, name).orElseThrow(() -> notFoundEntity(name));
          Entity after = change.apply(before);
          // An operation still granted cannot be taken off the entity: the grant would then be
          // one that no import accepts (revoke it first).
          Set<Operation> removed = EnumSet.noneOf(Operation.class);
          removed.addAll(before.operations());
          removed.removeAll(after.operations());
          if (!removed.isEmpty()) {
            int uses = grantsUsing(c, name, removed);
            if (uses > 0) {
              throw new Conflict(
                  uses
                      + " entitlement(s) of entity "
                      + name
                      + " still grant "
                      + String.join(", ", removed.stream().map(Operation::wireName).toList())
                      + ": revoke those first");
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE entity SET kind = ?, description = ?, operations = ? WHERE name = ?")) {
            s.setString(1, after.kind().wireName());
            s.setString(2, after.description());
            s.setString(3, JdbcStore.joinOperations(after.operations()));
            s.setString(4, name);
            s.executeUpdate();
          }
          audit(c, "entity.updated", actor, null, null, Views.entity(before), Views.entity(after));
          return after;
        });
  }

  public void deleteEntity(String name, Actor actor) {
    store.write(
        c -> {
          reserved(name);
          Entity before = JdbcStore.entity(c, name).orElseThrow(() -> notFoundEntity(name));
          int uses =
              count(c, "SELECT COUNT(*) FROM entitlement WHERE entity_name = ?", name)
                  + count(
                      c,
                      "SELECT COUNT(*) FROM participant_entitlement WHERE entity_name = ?",
                      name);
          if (uses > 0) {
            throw new Conflict(
                "entity " + name + " is used by " + uses + " entitlement(s): revoke them first");
          }
          exec(c, "DELETE FROM entity WHERE name = ?", name);
          audit(c, "entity.deleted", actor, null, null, Views.entity(before), null);
          return null;
        });
  }

  /** How many entitlements and holdings of {@code entity} grant any of {@code operations}. */
  private static int grantsUsing(Connection c, String entity, Set<Operation> operations)
      throws SQLException {
    int uses = 0;
    for (String table : new String[] {"entitlement", "participant_entitlement"}) {
      try (PreparedStatement s =
          c.prepareStatement("SELECT operations FROM " + table + " WHERE entity_name = ?")) {
        s.setString(1, entity);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            Set<Operation> granted = JdbcStore.operations(r.getString(1));
            granted.retainAll(operations);
            if (!granted.isEmpty()) {
              uses++;
            }
          }
        }
      }
    }
    return uses;
  }

  private static void reserved(String name) {
    if (name.equals(Role.ADMIN_ENTITY)) {
      throw new Conflict("entity " + name + " is reserved for the admin API and cannot change");
    }
  }

  // --- accounts ----------------------------------------------------------------------------------

  /**
   * Accounts in client_id order, after {@code cursor} (exclusive), optionally of one participant.
   */
  public AccountPage accounts(String participantId, int limit, String cursor) {
    return store.read(
        c -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT client_id, participant_id, enabled, roles, token_lifetime_s, created_at"
                      + " FROM service_account WHERE 1 = 1");
          List<String> args = new ArrayList<>();
          if (participantId != null) {
            sql.append(" AND participant_id = ?");
            args.add(participantId);
          }
          if (cursor != null) {
            sql.append(" AND client_id > ?");
            args.add(cursor);
          }
          sql.append(" ORDER BY client_id LIMIT ").append(limit + 1);
          List<AccountSummary> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              s.setString(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(
                    new AccountSummary(
                        JdbcStore.serviceAccount(r), Instant.ofEpochMilli(r.getLong(6))));
              }
            }
          }
          if (out.size() > limit) {
            List<AccountSummary> page = List.copyOf(out.subList(0, limit));
            return new AccountPage(page, page.get(limit - 1).account().clientId());
          }
          return new AccountPage(out, null);
        });
  }

  public Optional<AccountSummary> account(String clientId) {
    return store.read(c -> accountSummary(c, clientId));
  }

  private static Optional<AccountSummary> accountSummary(Connection c, String clientId)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT client_id, participant_id, enabled, roles, token_lifetime_s, created_at"
                + " FROM service_account WHERE client_id = ?")) {
      s.setString(1, clientId);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(
                new AccountSummary(JdbcStore.serviceAccount(r), Instant.ofEpochMilli(r.getLong(6))))
            : Optional.empty();
      }
    }
  }

  /** Creates an account with its first secret, already hashed; returns the secret's metadata. */
  public SecretInfo createAccount(ServiceAccount a, String secretHash, Instant now, Actor actor) {
    return store.write(
        c -> {
          if (accountSummary(c, a.clientId()).isPresent()) {
            throw new Conflict("account " + a.clientId() + " exists already");
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO service_account (client_id, participant_id, enabled, created_at,"
                      + " roles, token_lifetime_s) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, a.clientId());
            s.setString(2, a.participantId());
            s.setBoolean(3, a.enabled());
            s.setLong(4, now.toEpochMilli());
            s.setString(5, Role.join(a.roles()));
            setLifetime(s, 6, a);
            s.executeUpdate();
          }
          SecretInfo secret = insertSecret(c, a.clientId(), secretHash, now);
          audit(
              c,
              "account.created",
              actor,
              a.clientId(),
              a.participantId(),
              null,
              withSecret(Views.account(a, now, null), secret.id()));
          return secret;
        });
  }

  /**
   * Applies {@code change} to an account. Refuses to leave no enabled operator admin behind, so
   * that the operator cannot lock itself out.
   */
  public ServiceAccount updateAccount(
      String clientId, UnaryOperator<ServiceAccount> change, Actor actor) {
    return store.write(
        c -> {
          AccountSummary before =
              accountSummary(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          ServiceAccount after = change.apply(before.account());
          if (isLiveOperator(before.account()) && !isLiveOperator(after)) {
            requireAnotherOperator(c, clientId);
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE service_account SET enabled = ?, roles = ?, token_lifetime_s = ?"
                      + " WHERE client_id = ?")) {
            s.setBoolean(1, after.enabled());
            s.setString(2, Role.join(after.roles()));
            setLifetime(s, 3, after);
            s.setString(4, clientId);
            s.executeUpdate();
          }
          audit(
              c,
              "account.updated",
              actor,
              clientId,
              after.participantId(),
              Views.account(before.account(), before.created(), null),
              Views.account(after, before.created(), null));
          return after;
        });
  }

  public void deleteAccount(String clientId, Actor actor) {
    store.write(
        c -> {
          AccountSummary before =
              accountSummary(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          if (isLiveOperator(before.account())) {
            requireAnotherOperator(c, clientId);
          }
          exec(c, "DELETE FROM entitlement WHERE client_id = ?", clientId);
          exec(c, "DELETE FROM client_secret WHERE client_id = ?", clientId);
          exec(c, "DELETE FROM service_account WHERE client_id = ?", clientId);
          audit(
              c,
              "account.deleted",
              actor,
              clientId,
              before.account().participantId(),
              Views.account(before.account(), before.created(), null),
              null);
          return null;
        });
  }

  private static boolean isLiveOperator(ServiceAccount a) {
    return a.enabled() && a.roles().contains(Role.OPERATOR_ADMIN);
  }

  private static void requireAnotherOperator(Connection c, String clientId) throws SQLException {
    int others = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT roles FROM service_account WHERE enabled = ? AND client_id <> ?")) {
      s.setBoolean(1, true);
      s.setString(2, clientId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          if (JdbcStore.list(r.getString(1)).contains(Role.OPERATOR_ADMIN.wireName())) {
            others++;
          }
        }
      }
    }
    if (others == 0) {
      throw new Conflict(
          "account "
              + clientId
              + " is the last enabled operator-admin: give the role to another account first");
    }
  }

  private static void setLifetime(PreparedStatement s, int index, ServiceAccount a)
      throws SQLException {
    if (a.tokenLifetime() == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, a.tokenLifetime().toSeconds());
    }
  }

  // --- secrets -----------------------------------------------------------------------------------

  public List<SecretInfo> secrets(String clientId) {
    return store.read(
        c -> {
          if (accountSummary(c, clientId).isEmpty()) {
            throw notFoundAccount(clientId);
          }
          return secrets(c, clientId);
        });
  }

  private List<SecretInfo> secrets(Connection c, String clientId) throws SQLException {
    List<SecretInfo> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, hash, created_at, expires_at, last_used_at FROM client_secret"
                + " WHERE client_id = ? ORDER BY created_at DESC, id")) {
      s.setString(1, clientId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ClientSecret secret =
              new ClientSecret(
                  r.getString(1),
                  r.getString(2),
                  Instant.ofEpochMilli(r.getLong(3)),
                  JdbcStore.instantOrNull(r, 4));
          out.add(
              new SecretInfo(
                  secret.id(),
                  secret.created(),
                  policy.expiryOf(secret),
                  JdbcStore.instantOrNull(r, 5)));
        }
      }
    }
    return out;
  }

  /**
   * Adds a new secret (rotation). The secrets held before keep working until {@code graceUntil},
   * unless they stop sooner; those already dead are removed. Refused while the account holds the
   * most live secrets it may.
   */
  public SecretInfo addSecret(
      String clientId, String secretHash, Instant now, Instant graceUntil, Actor actor) {
    return store.write(
        c -> {
          AccountSummary account =
              accountSummary(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          List<SecretInfo> held = secrets(c, clientId);
          List<SecretInfo> live = new ArrayList<>();
          for (SecretInfo s : held) {
            if (s.expires() == null || now.isBefore(s.expires())) {
              live.add(s);
            } else {
              exec(c, "DELETE FROM client_secret WHERE id = ?", s.id());
            }
          }
          if (live.size() >= AccountPolicy.MAX_SECRETS) {
            throw new Conflict(
                "account "
                    + clientId
                    + " holds "
                    + live.size()
                    + " live secrets, the most it may: revoke one first");
          }
          for (SecretInfo s : live) {
            if (s.expires() == null || s.expires().isAfter(graceUntil)) {
              try (PreparedStatement u =
                  c.prepareStatement("UPDATE client_secret SET expires_at = ? WHERE id = ?")) {
                u.setLong(1, graceUntil.toEpochMilli());
                u.setString(2, s.id());
                u.executeUpdate();
              }
            }
          }
          SecretInfo added = insertSecret(c, clientId, secretHash, now);
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("secretId", added.id());
          detail.put("previousSecretsExpire", Views.time(graceUntil));
          audit(
              c, "secret.added", actor, clientId, account.account().participantId(), null, detail);
          return added;
        });
  }

  public void revokeSecret(String clientId, String secretId, Actor actor) {
    store.write(
        c -> {
          AccountSummary account =
              accountSummary(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          int deleted;
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM client_secret WHERE id = ? AND client_id = ?")) {
            s.setString(1, secretId);
            s.setString(2, clientId);
            deleted = s.executeUpdate();
          }
          if (deleted == 0) {
            throw new NotFound("account " + clientId + " holds no secret " + secretId);
          }
          audit(
              c,
              "secret.revoked",
              actor,
              clientId,
              account.account().participantId(),
              Map.of("secretId", secretId),
              null);
          return null;
        });
  }

  private SecretInfo insertSecret(Connection c, String clientId, String hash, Instant now)
      throws SQLException {
    String id = UUID.randomUUID().toString();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO client_secret (id, client_id, hash, created_at) VALUES (?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, clientId);
      s.setString(3, hash);
      s.setLong(4, now.toEpochMilli());
      s.executeUpdate();
    }
    return new SecretInfo(id, now, policy.expiryOf(new ClientSecret(id, hash, now, null)), null);
  }

  // --- entitlements ------------------------------------------------------------------------------

  public List<Entitlement> entitlements(String clientId) {
    return store.read(
        c ->
            JdbcStore.account(c, clientId)
                .map(AccountRecord::entitlements)
                .orElseThrow(() -> notFoundAccount(clientId)));
  }

  /** Grants or replaces the account's entitlement to {@code e.entity()}. */
  public Entitlement putEntitlement(String clientId, Entitlement e, Actor actor) {
    return store.write(
        c -> {
          AccountRecord account =
              JdbcStore.account(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          Optional<Entitlement> before =
              account.entitlements().stream()
                  .filter(x -> x.entity().equals(e.entity()))
                  .findFirst();
          exec2(
              c,
              "DELETE FROM entitlement WHERE client_id = ? AND entity_name = ?",
              clientId,
              e.entity());
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO entitlement (client_id, entity_name, participant_ids, operations)"
                      + " VALUES (?, ?, ?, ?)")) {
            s.setString(1, clientId);
            s.setString(2, e.entity());
            s.setString(3, JdbcStore.join(e.participantIds()));
            s.setString(4, JdbcStore.joinOperations(e.operations()));
            s.executeUpdate();
          }
          audit(
              c,
              "entitlement.granted",
              actor,
              clientId,
              account.account().participantId(),
              before.map(Views::entitlement).orElse(null),
              Views.entitlement(e));
          return e;
        });
  }

  public void deleteEntitlement(String clientId, String entity, Actor actor) {
    store.write(
        c -> {
          AccountRecord account =
              JdbcStore.account(c, clientId).orElseThrow(() -> notFoundAccount(clientId));
          Entitlement before =
              account.entitlements().stream()
                  .filter(x -> x.entity().equals(entity))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new NotFound(
                              "account " + clientId + " holds no entitlement to " + entity));
          exec2(
              c,
              "DELETE FROM entitlement WHERE client_id = ? AND entity_name = ?",
              clientId,
              entity);
          audit(
              c,
              "entitlement.revoked",
              actor,
              clientId,
              account.account().participantId(),
              Views.entitlement(before),
              null);
          return null;
        });
  }

  // --- audit -------------------------------------------------------------------------------------

  /**
   * Records an admin event that changed nothing in the store itself (a key rotation, an unlock).
   */
  public void record(AuditEvent event) {
    store.write(
        c -> {
          AuditLog.insert(c, event);
          return null;
        });
    AuditLog.log(event);
  }

  private static void audit(
      Connection c,
      String kind,
      Actor actor,
      String clientId,
      String participantId,
      Object before,
      Object after)
      throws SQLException {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("before", before);
    detail.put("after", after);
    AuditEvent event =
        new AuditEvent(
            0,
            Instant.now(),
            kind,
            actor.clientId(),
            clientId,
            participantId,
            actor.source(),
            detail);
    AuditLog.insert(c, event);
    // A change of one account drops that account from the caches; any other, everything.
    if (clientId != null) {
      JdbcStore.bumpRevision(c, JdbcStore.Change.ACCOUNT, clientId);
    } else {
      JdbcStore.bumpRevision(c);
    }
    // Logged before the commit: a change that then fails to commit leaves a log line the store
    // lacks, which the store's own record settles.
    AuditLog.log(event);
  }

  private static Map<String, Object> withSecret(Map<String, Object> account, String secretId) {
    Map<String, Object> out = new LinkedHashMap<>(account);
    out.put("secretId", secretId);
    return out;
  }

  private static int count(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static void exec(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      s.executeUpdate();
    }
  }

  private static void exec2(Connection c, String sql, String a, String b) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, a);
      s.setString(2, b);
      s.executeUpdate();
    }
  }

  private static NotFound notFound(String participantId) {
    return new NotFound("no participant " + participantId);
  }

  private static NotFound notFoundEntity(String name) {
    return new NotFound("no entity " + name);
  }

  private static NotFound notFoundAccount(String clientId) {
    return new NotFound("no account " + clientId);
  }
}
