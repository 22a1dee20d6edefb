package io.idxauth.store;

import io.idxauth.core.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Revoked access tokens (RFC 7009), by jti, kept until they expire. Each revocation takes the next
 * feed revision in its own transaction, so a reader that has seen revision {@code r} learns every
 * later revocation by asking for the rows after {@code r}. Nothing the token path caches changes:
 * the store revision is left alone.
 */
public final class Revocations {

  /** The audit kind of a revocation. */
  public static final String TOKEN_REVOKED = "token.revoked";

  /**
   * How long past its exp a revocation is still served and kept: longer than any validator's clock
   * skew leeway (the gateway's 30 s, Nimbus's 60 s), during which an expired token still passes.
   */
  public static final Duration GRACE = Duration.ofMinutes(2);

  /**
   * A token to revoke, as its verified claims name it.
   *
   * @param clientId the client the token was issued to
   * @param participantId the participant owning that client, for the audit trail
   */
  public record Token(String jti, String clientId, String participantId, Instant expiresAt) {}

  /** One entry of the feed. */
  public record Revoked(String jti, Instant expiresAt) {}

  /**
   * What the feed serves: the revision a reader has seen once it took {@code revoked}, and the
   * unexpired revoked tokens after the revision it asked from.
   */
  public record Feed(long revision, List<Revoked> revoked) {}

  private final JdbcStore store;

  public Revocations(JdbcStore store) {
    this.store = store;
  }

  /**
   * Revokes {@code token}, recording who did it in the audit trail in the same transaction.
   *
   * @param actor who revoked it (the client itself, for RFC 7009)
   * @param source the caller's address, if known
   * @return false when it was revoked already (nothing is written then)
   */
  public boolean revoke(Token token, String actor, String source, Instant now) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("jti", token.jti());
    detail.put("exp", token.expiresAt().getEpochSecond());
    AuditEvent event =
        new AuditEvent(
            0, now, TOKEN_REVOKED, actor, token.clientId(), token.participantId(), source, detail);
    boolean revoked =
        store.append(
            c -> {
              // The UPDATE comes first: it locks the counter until commit, so revisions follow
              // commit order and two revocations of one token cannot both pass the check below. A
              // revision spent on a token revoked already is harmless: readers skip gaps.
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE revocation_revision SET revision = revision + 1 WHERE id = 1")) {
                s.executeUpdate();
              }
              if (isRevoked(c, token.jti())) {
                return false;
              }
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO revoked_token (jti, client_id, expires_at, revoked_at, revision)"
                          + " SELECT ?, ?, ?, ?, revision FROM revocation_revision WHERE id = 1")) {
                s.setString(1, token.jti());
                s.setString(2, token.clientId());
                s.setLong(3, token.expiresAt().toEpochMilli());
                s.setLong(4, now.toEpochMilli());
                s.executeUpdate();
              }
              AuditLog.insert(c, event);
              return true;
            });
    if (revoked) {
      AuditLog.log(event);
    }
    return revoked;
  }

  /** Whether the token with this jti has been revoked (and not yet purged). */
  public boolean isRevoked(String jti) {
    return store.read(c -> isRevoked(c, jti));
  }

  private static boolean isRevoked(Connection c, String jti) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM revoked_token WHERE jti = ?")) {
      s.setString(1, jti);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /**
   * The revoked tokens not expired at {@code now} (give or take the {@link #GRACE}): all of them
   * when {@code since} is null or ahead of the store (a reader of another store, or of one restored
   * from a backup), else those revoked after revision {@code since}. A purge removes only expired
   * rows, so no increment ever misses an unexpired token.
   */
  public Feed since(Long since, Instant now) {
    // One transaction, so that the revision and the rows agree.
    return store.append(
        c -> {
          long revision;
          try (PreparedStatement s =
                  c.prepareStatement("SELECT revision FROM revocation_revision WHERE id = 1");
              ResultSet r = s.executeQuery()) {
            r.next();
            revision = r.getLong(1);
          }
          long after = since == null || since > revision ? 0 : since;
          List<Revoked> revoked = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT jti, expires_at FROM revoked_token"
                      + " WHERE revision > ? AND revision <= ? AND expires_at > ?"
                      + " ORDER BY revision")) {
            s.setLong(1, after);
            s.setLong(2, revision);
            s.setLong(3, now.minus(GRACE).toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                revoked.add(new Revoked(r.getString(1), Instant.ofEpochMilli(r.getLong(2))));
              }
            }
          }
          return new Feed(revision, List.copyOf(revoked));
        });
  }

  /** Deletes the revocations of tokens expired more than {@link #GRACE} ago; returns how many. */
  public int purgeExpired(Instant now) {
    return store.append(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM revoked_token WHERE expires_at < ?")) {
            s.setLong(1, now.minus(GRACE).toEpochMilli());
            return s.executeUpdate();
          }
        });
  }
}
