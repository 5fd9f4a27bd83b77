-- The event's clock and a draw anyone can check (docs/design.md).
-- The draw's seed is made when the event ends; only its sha256 is public
-- until the draw reveals it.
ALTER TABLE events ADD COLUMN draw_seed TEXT;
ALTER TABLE events ADD COLUMN seed_commitment TEXT;
ALTER TABLE events ADD COLUMN ended_at TIMESTAMPTZ;

-- Personal data is erased after the draw: the row stays (number, channel,
-- store-visit flag, times) so counts, analytics and the proof stay intact.
ALTER TABLE participants ALTER COLUMN name DROP NOT NULL;
ALTER TABLE participants ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE participants ADD COLUMN erased_at TIMESTAMPTZ;
-- Which consent text the entrant agreed to.
ALTER TABLE participants ADD COLUMN consent_version TEXT;
-- WINNER or RESERVE once drawn; their data is kept until after the claim deadline.
ALTER TABLE participants ADD COLUMN drawn_as TEXT;

ALTER TABLE draws ADD COLUMN reserve_count BIGINT NOT NULL DEFAULT 0;
-- JSON array of participant ids, in drawn order, after the winners.
ALTER TABLE draws ADD COLUMN reserves TEXT NOT NULL DEFAULT '[]';
ALTER TABLE draws ADD COLUMN seed_commitment TEXT;
ALTER TABLE draws ADD COLUMN claim_deadline TIMESTAMPTZ;
ALTER TABLE draws ADD COLUMN entrants_erased_at TIMESTAMPTZ;
ALTER TABLE draws ADD COLUMN entrants_erased_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE draws ADD COLUMN winners_erased_at TIMESTAMPTZ;
