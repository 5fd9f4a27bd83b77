-- The platform's inbox (platform::inbox): ids of the bus messages a consumer
-- applied, written in the same transaction as their effect, so a redelivery
-- changes nothing; the pruner forgets them after the retention. Services
-- created before the platform owned this table made it (and the index) in
-- their own migrations with this same shape; for them this changes nothing.
CREATE TABLE IF NOT EXISTS processed_messages (
    message_id    TEXT PRIMARY KEY,
    processed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS processed_messages_at ON processed_messages (processed_at);
