-- The event's cost as the owner saw it before publishing (JSON of
-- contracts::money::Cost: every chosen channel and the prize); '' for events
-- published before the cost travelled with EventPublished.
ALTER TABLE events ADD COLUMN cost TEXT NOT NULL DEFAULT '';
