package io.idxauth.store;

import io.idxauth.core.SealedSigningKey;
import io.idxauth.core.SigningKeyRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The signing keys in the store: public JWKs in clear, private keys sealed. */
public final class JdbcSigningKeys implements SigningKeyRepository {

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
          // One statement, so two processes racing for the first key cannot both insert.
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO signing_key (kid, public_jwk, sealed_private, created_at,"
                      + " activates_at, retires_at) SELECT ?, ?, ?, ?, ?, ?"
                      + " WHERE (SELECT COUNT(*) FROM signing_key) = ?")) {
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
            s.setInt(7, expectedCount);
            boolean added = s.executeUpdate() == 1;
            if (added) {
              JdbcStore.bumpRevision(c);
            }
            return added;
          }
        });
  }
}
