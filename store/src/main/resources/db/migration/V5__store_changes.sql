-- idx-auth schema, version 5: what each store revision changed, so that every instance drops only
-- what changed from its caches (one account, the keys) instead of everything.

-- One row per revision, written in the transaction that bumps it. scope is 'account' (subject: the
-- client_id), 'keys', or 'all' (the catalogue, participants, an import). Rows older than an hour
-- are purged: an instance that missed more than that drops everything, as before.
CREATE TABLE store_change (
  revision BIGINT       PRIMARY KEY,
  scope    VARCHAR(16)  NOT NULL,
  subject  VARCHAR(128),
  at       BIGINT       NOT NULL
);

CREATE INDEX store_change_at ON store_change (at);
