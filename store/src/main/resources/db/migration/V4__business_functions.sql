-- idx-auth schema, version 4: the catalogue of the Business Function Information API.

-- The name a business function goes by in the catalogue (NULL: its description).
ALTER TABLE entity ADD COLUMN title TEXT;

-- What a business function exchanges. Schema versions and payload types (media types) are
-- comma-separated, in the order the operator listed them; retention is an ISO-8601 period (P7Y).
-- Deleting the entity deletes its resources.
CREATE TABLE business_function_resource (
  entity_name     VARCHAR(64) NOT NULL REFERENCES entity (name) ON DELETE CASCADE,
  resource        VARCHAR(64) NOT NULL,
  schema_versions TEXT        NOT NULL,
  payload_types   TEXT        NOT NULL,
  retention       VARCHAR(32) NOT NULL,
  PRIMARY KEY (entity_name, resource)
);
