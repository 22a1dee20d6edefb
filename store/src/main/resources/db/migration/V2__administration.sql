-- idx-auth schema, version 2: administration, the account lifecycle and the audit trail.

-- Admin roles (comma-separated: operator-admin, participant-admin) and an account's own token
-- lifetime in seconds (NULL: the service's default).
ALTER TABLE service_account ADD COLUMN roles TEXT NOT NULL DEFAULT '';
ALTER TABLE service_account ADD COLUMN token_lifetime_s BIGINT;

-- When a secret last authenticated a client; written in batches, never on the token path.
ALTER TABLE client_secret ADD COLUMN last_used_at BIGINT;

-- Secrets expire from now on (90 days after they are made, by default). Those made before this
-- version had no such rule: they get 90 days from the upgrade instead of expiring at once.
UPDATE client_secret SET expires_at = ${upgrade_epoch_ms} + 7776000000 WHERE expires_at IS NULL;

-- What the operator has granted a participant: the ceiling of what its participant admins may grant
-- to the participant's accounts.
CREATE TABLE participant_entitlement (
  participant_id  VARCHAR(10) NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
  entity_name     VARCHAR(64) NOT NULL REFERENCES entity (name),
  participant_ids TEXT        NOT NULL,
  operations      TEXT        NOT NULL,
  PRIMARY KEY (participant_id, entity_name)
);

-- Every issuance, refusal and admin change. id is SQLite's rowid (ascending with time);
-- detail is JSON.
CREATE TABLE audit_event (
  id             INTEGER PRIMARY KEY,
  at             BIGINT       NOT NULL,
  kind           VARCHAR(64)  NOT NULL,
  actor          VARCHAR(128),
  client_id      VARCHAR(128),
  participant_id VARCHAR(10),
  source         VARCHAR(64),
  detail         TEXT         NOT NULL
);

CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_client ON audit_event (client_id, id);
CREATE INDEX audit_event_participant ON audit_event (participant_id, id);

-- The reserved entity of the admin API. No entitlement row grants it: the admin roles do.
DELETE FROM entitlement WHERE entity_name = 'idx-admin';
DELETE FROM entity WHERE name = 'idx-admin';
INSERT INTO entity (name, kind, description, operations)
VALUES ('idx-admin', 'idx-service', 'Administration of idx-auth: granted by the admin roles',
        'create,read,update,delete');

UPDATE store_revision SET revision = revision + 1 WHERE id = 1;
