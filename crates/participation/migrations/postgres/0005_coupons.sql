-- Prizes in the winners' hands (docs/design.md §6.4): one coupon per prize
-- holder, redeemed once at the counter before its deadline; an unclaimed
-- prize passes to the next reserve with a new coupon.
CREATE TABLE coupons (
    code            TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (event_id),
    participant_id  TEXT NOT NULL,
    -- The prize's place in the draw (1..winnerCount); a passed prize keeps it.
    prize_rank      BIGINT NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL,
    claim_deadline  TIMESTAMPTZ NOT NULL,
    redeemed_at     TIMESTAMPTZ,
    redeemed_by     BIGINT,
    -- Set when the prize passed to a reserve; the coupon no longer counts.
    passed_at       TIMESTAMPTZ,
    -- The coupon this one replaces (a reserve's), for the log.
    replaces_code   TEXT,
    CONSTRAINT coupons_event_participant UNIQUE (event_id, participant_id)
);
CREATE INDEX coupons_event ON coupons (event_id, prize_rank);

-- Every read of winners' full phone numbers: who, when, which event.
CREATE TABLE contact_reads (
    event_id    TEXT NOT NULL,
    read_by     BIGINT NOT NULL,
    read_at     TIMESTAMPTZ NOT NULL,
    shown       BIGINT NOT NULL
);
CREATE INDEX contact_reads_event ON contact_reads (event_id, read_at);
