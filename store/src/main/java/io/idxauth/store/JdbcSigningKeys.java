package io.idxauth.store;

import io.idxauth.core.SealedSigningKey;
import io.idxauth.core.SigningKeyRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** The signing keys in the store: public JWKs in clear, private keys sealed. */
public final class JdbcSigningKeys implements SigningKeyRepository {

  private static final String INSERT =
      "INSERT INTO signing_key (kid, public_jwk, sealed_private, created_at, activates_at,"
          + " retires_at) VALUES (?, ?, ?, ?, ?, ?)";

  private final JdbcStore store;

  public JdbcSigningKeys(JdbcStore store) {
    this.store = store;
  }

  @Override
  public List<SealedSigningKey> signingKeys() {
    return store.read(
        c -> {
          List<SealedSigningKey> out = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT kid, public_jwk, sealed_private, created_at, activates_at, retires_at"
                          + " FROM signing_key ORDER BY activates_at, kid");
              ResultSet r = s.executeQuery()) {
            while (r.next()) {
              out.add(
                  new SealedSigningKey(
                      r.getString(1),
                      r.getString(2),
                      Base64.getDecoder().decode(r.getString(3)),
                      Instant.ofEpochMilli(r.getLong(4)),
                      Instant.ofEpochMilli(r.getLong(5)),
                      JdbcStore.instantOrNull(r, 6)));
            }
          }
          return out;
        });
  }

  @Override
  public boolean addSigningKey(SealedSigningKey key, int expectedCount) {
    return store.write(
        c -> {
          // Writers run one at a time (JdbcStore.write), so two processes racing for the first
          // key cannot both insert.
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO signing_key (kid, public_jwk, sealed_private, created_at,"
                      + " activates_at, retires_at) SELECT ?, ?, ?, ?, ?, ?"
                      + " WHERE (SELECT COUNT(*) FROM signing_key) = ?")) {
            bind(s, key);
            s.setInt(7, expectedCount);
            boolean added = s.executeUpdate() == 1;
            if (added) {
              JdbcStore.bumpRevision(c, JdbcStore.Change.KEYS, null);
            }
            return added;
          }
        });
  }

  @Override
  public boolean rotate(SealedSigningKey next, String expectedNewestKid) {
    return store.write(
        c -> {
          if (!Objects.equals(newestKid(c), expectedNewestKid)) {
            return false;
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE signing_key SET retires_at = ?"
                      + " WHERE retires_at IS NULL OR retires_at > ?")) {
            s.setLong(1, next.activates().toEpochMilli());
            s.setLong(2, next.activates().toEpochMilli());
            s.executeUpdate();
          }
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            bind(s, next);
            s.executeUpdate();
          }
          JdbcStore.bumpRevision(c, JdbcStore.Change.KEYS, null);
          return true;
        });
  }

  @Override
  public int removeSigningKeys(Collection<String> kids) {
    if (kids.isEmpty()) {
      return 0;
    }
    return store.write(
        c -> {
          overwriteDeletedContent(c);
          int removed = 0;
          try (PreparedStatement s = c.prepareStatement("DELETE FROM signing_key WHERE kid = ?")) {
            for (String kid : kids) {
              s.setString(1, kid);
              removed += s.executeUpdate();
            }
          }
          if (removed > 0) {
            JdbcStore.bumpRevision(c, JdbcStore.Change.KEYS, null);
          }
          return removed;
        });
  }

  /** The kid of the key that activates last (the greatest kid among equals), or null. */
  private static String newestKid(Connection c) throws SQLException {
    // The same order as SealedSigningKey.ACTIVATION_ORDER; kids are base64url, so byte order.
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT kid FROM signing_key ORDER BY activates_at DESC, kid DESC LIMIT 1");
        ResultSet r = s.executeQuery()) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /**
   * Asks SQLite to zero what it deletes, so that a deleted key's sealed private part does not stay
   * behind in a free page of the file. It stays on for the pooled connection, where it only ever
   * zeroes more. PostgreSQL has no such switch.
   */
  private static void overwriteDeletedContent(Connection c) throws SQLException {
    if ("SQLite".equals(c.getMetaData().getDatabaseProductName())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA secure_delete = ON");
      }
    }
  }

  private static void bind(PreparedStatement s, SealedSigningKey key) throws SQLException {
    s.setString(1, key.kid());
    s.setString(2, key.publicJwk());
    s.setString(3, Base64.getEncoder().encodeToString(key.sealedPrivateKey()));
    s.setLong(4, key.created().toEpochMilli());
    s.setLong(5, key.activates().toEpochMilli());
    if (key.retires() == null) {
      s.setNull(6, Types.BIGINT);
    } else {
      s.setLong(6, key.retires().toEpochMilli());
    }
  }
}
