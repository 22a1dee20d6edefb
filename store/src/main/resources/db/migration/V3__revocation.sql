-- idx-auth schema, version 3: revoked access tokens (RFC 7009), kept until they expire.

-- One row per revoked token, deleted once the token has expired (it is refused anyway then).
-- client_id has no foreign key on purpose: deleting an account must not un-revoke its tokens.
-- revision orders the rows for the revocation feed: it comes from revocation_revision, bumped in
-- the same transaction, so it is never reused after a purge and grows in commit order.
CREATE TABLE revoked_token (
  jti        VARCHAR(64)  PRIMARY KEY,
  client_id  VARCHAR(128) NOT NULL,
  expires_at BIGINT       NOT NULL,
  revoked_at BIGINT       NOT NULL,
  revision   BIGINT       NOT NULL
);

CREATE INDEX revoked_token_revision ON revoked_token (revision);
CREATE INDEX revoked_token_expires ON revoked_token (expires_at);

-- The feed's revision: the revision of the latest revocation. Not store_revision, which drops the
-- token path's caches: a revocation changes nothing those caches hold.
CREATE TABLE revocation_revision (
  id       INTEGER PRIMARY KEY,
  revision BIGINT  NOT NULL
);

INSERT INTO revocation_revision (id, revision) VALUES (1, 0);
