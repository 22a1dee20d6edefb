-- idx-auth schema, version 8: the rate limits that the gateways of a fleet share (idx-auth gateway
-- --db; see JdbcRateUsage). Versions 6 and 7 are left to changes made alongside this one.

-- One row per token bucket: a route's limit for one participant, named by the gateway
-- ('<limit> <participant> <route path>'). full_at_us is the moment the bucket is full again, in
-- epoch microseconds, not milliseconds: one call of a 1000/second limit costs one millisecond. A call
-- moves it on by its cost, from now if it lies in the past (GCRA). A row whose moment has passed is a
-- full bucket, the same as no row; such rows are purged a minute later.
CREATE TABLE gateway_usage (
  bucket     TEXT    PRIMARY KEY,
  full_at_us BIGINT  NOT NULL
);

CREATE INDEX gateway_usage_full_at ON gateway_usage (full_at_us);
