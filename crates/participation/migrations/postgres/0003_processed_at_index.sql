-- Lets the pruner (platform::dedup) find old ids without scanning the table.
CREATE INDEX processed_messages_at ON processed_messages (processed_at);
