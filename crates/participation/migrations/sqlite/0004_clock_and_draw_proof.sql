-- The event's clock and a draw anyone can check (docs/design.md).
-- The draw's seed is made when the event ends; only its sha256 is public
-- until the draw reveals it.
ALTER TABLE events ADD COLUMN draw_seed TEXT;
ALTER TABLE events ADD COLUMN seed_commitment TEXT;
ALTER TABLE events ADD COLUMN ended_at TEXT;

-- Personal data is erased after the draw: the row stays (number, channel,
-- store-visit flag, times) so counts, analytics and the proof stay intact.
-- SQLite cannot drop NOT NULL in place: the table is rebuilt.
CREATE TABLE participants_v4 (
    participant_id  TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (event_id),
    entry_number    BIGINT NOT NULL,
    name            TEXT,
    phone           TEXT,
    email           TEXT,
    agree_privacy   BOOLEAN NOT NULL,
    agree_marketing BOOLEAN NOT NULL,
    store_visited   BOOLEAN NOT NULL,
    channel         TEXT,
    registered_at   TEXT NOT NULL,
    erased_at       TEXT,
    -- Which consent text the entrant agreed to.
    consent_version TEXT,
    -- WINNER or RESERVE once drawn; their data is kept until after the claim deadline.
    drawn_as        TEXT,
    CONSTRAINT participants_event_phone UNIQUE (event_id, phone),
    CONSTRAINT participants_event_number UNIQUE (event_id, entry_number)
);
INSERT INTO participants_v4 (participant_id, event_id, entry_number, name, phone, email,
    agree_privacy, agree_marketing, store_visited, channel, registered_at)
SELECT participant_id, event_id, entry_number, name, phone, email,
    agree_privacy, agree_marketing, store_visited, channel, registered_at
FROM participants;
DROP TABLE participants;
ALTER TABLE participants_v4 RENAME TO participants;

ALTER TABLE draws ADD COLUMN reserve_count BIGINT NOT NULL DEFAULT 0;
-- JSON array of participant ids, in drawn order, after the winners.
ALTER TABLE draws ADD COLUMN reserves TEXT NOT NULL DEFAULT '[]';
ALTER TABLE draws ADD COLUMN seed_commitment TEXT;
ALTER TABLE draws ADD COLUMN claim_deadline TEXT;
ALTER TABLE draws ADD COLUMN entrants_erased_at TEXT;
ALTER TABLE draws ADD COLUMN entrants_erased_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE draws ADD COLUMN winners_erased_at TEXT;
