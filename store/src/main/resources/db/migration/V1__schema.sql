-- idx-auth schema, version 1. Portable between SQLite and PostgreSQL: times are epoch milliseconds,
-- lists are comma-separated (participant IDs and operation names contain no commas).

CREATE TABLE participant (
  id   VARCHAR(10) PRIMARY KEY,
  name TEXT        NOT NULL
);

CREATE TABLE entity (
  name        VARCHAR(64) PRIMARY KEY,
  kind        VARCHAR(32) NOT NULL,
  description TEXT        NOT NULL,
  operations  TEXT        NOT NULL
);

CREATE TABLE service_account (
  client_id      VARCHAR(128) PRIMARY KEY,
  participant_id VARCHAR(10)  NOT NULL REFERENCES participant (id),
  enabled        BOOLEAN      NOT NULL,
  created_at     BIGINT       NOT NULL
);

CREATE INDEX service_account_participant ON service_account (participant_id);

CREATE TABLE client_secret (
  id         VARCHAR(64)  PRIMARY KEY,
  client_id  VARCHAR(128) NOT NULL REFERENCES service_account (client_id) ON DELETE CASCADE,
  hash       TEXT         NOT NULL,
  created_at BIGINT       NOT NULL,
  expires_at BIGINT
);

CREATE INDEX client_secret_client ON client_secret (client_id);

CREATE TABLE entitlement (
  client_id       VARCHAR(128) NOT NULL REFERENCES service_account (client_id) ON DELETE CASCADE,
  entity_name     VARCHAR(64)  NOT NULL REFERENCES entity (name),
  participant_ids TEXT         NOT NULL,
  operations      TEXT         NOT NULL,
  PRIMARY KEY (client_id, entity_name)
);

CREATE TABLE signing_key (
  kid            VARCHAR(64) PRIMARY KEY,
  public_jwk     TEXT        NOT NULL,
  sealed_private TEXT        NOT NULL,
  created_at     BIGINT      NOT NULL,
  activates_at   BIGINT      NOT NULL,
  retires_at     BIGINT
);

-- Bumped by every write that the token path caches, so that running services notice it.
CREATE TABLE store_revision (
  id       INTEGER PRIMARY KEY,
  revision BIGINT  NOT NULL
);

INSERT INTO store_revision (id, revision) VALUES (1, 0);
