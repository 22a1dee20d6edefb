-- idx-auth schema, version 6: failed authentications counted in the store, so that every instance
-- on it shares the lockout counters and the per-source limits (LockoutLedger).

-- One row per client_id presented with a wrong secret (known or not: a lock must not tell which
-- accounts exist), so no foreign key. A reset or an unlock leaves failures 0 rather than no row,
-- so that the other instances, reading the rows changed since their last look, learn of it.
-- updated_at only ever grows: an instance keeps the row it holds unless it reads a later one.
CREATE TABLE client_failure (
  client_id    VARCHAR(128) PRIMARY KEY,
  failures     INTEGER      NOT NULL,
  locked_until BIGINT,
  updated_at   BIGINT       NOT NULL
);

CREATE INDEX client_failure_updated ON client_failure (updated_at);

-- One row per source address (an IPv6 one by its /64): the failures in the window that began at
-- window_start.
CREATE TABLE source_failure (
  source_key   TEXT         PRIMARY KEY,
  window_start BIGINT       NOT NULL,
  failures     INTEGER      NOT NULL,
  updated_at   BIGINT       NOT NULL
);

CREATE INDEX source_failure_updated ON source_failure (updated_at);
