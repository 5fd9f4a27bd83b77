-- Bot signals on entries (docs/design.md §6.5): a bit set per entry
-- (1 HONEYPOT, 2 TOO_FAST, 4 NO_FILL_TIME; 0 for entries stored before it).
-- Not personal data: it outlives the erasure, so the draw's log stands.
ALTER TABLE participants ADD COLUMN signals BIGINT NOT NULL DEFAULT 0;
-- A draw may leave flagged entries out: whether it did, and the entry
-- numbers it left out (JSON array, ascending), published in the proof.
ALTER TABLE draws ADD COLUMN exclude_flagged BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE draws ADD COLUMN excluded TEXT NOT NULL DEFAULT '[]';
