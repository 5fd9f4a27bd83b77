-- The platform's outbox (platform::outbox): messages committed with the state
-- change that caused them, until the broker acknowledges them. `attempts`
-- counts the relay's sends the broker refused. Services created before the
-- platform owned this table made it in their first migration with this same
-- shape; for them this changes nothing.
CREATE TABLE IF NOT EXISTS outbox (
    message_id  TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    msg_key     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
