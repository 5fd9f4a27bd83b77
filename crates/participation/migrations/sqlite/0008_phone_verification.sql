-- Phone verification (docs/design.md §8.2): the event's choice, copied from
-- EventPublished, and the codes sent. Neither the phone nor the code is
-- stored: `phone_key` and `code_hash` are keyed hashes (HMAC-SHA256).
ALTER TABLE events ADD COLUMN verify_phone BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE phone_verifications (
    verification_id TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    phone_key       TEXT NOT NULL,
    code_hash       TEXT NOT NULL,
    sent_at         TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    -- Wrong codes typed so far; at 5 the code is spent.
    tries           BIGINT NOT NULL DEFAULT 0,
    -- Set once, by the entry that used the code.
    verified_at     TEXT
);
CREATE INDEX phone_verifications_event_phone ON phone_verifications (event_id, phone_key, sent_at);
CREATE INDEX phone_verifications_phone ON phone_verifications (phone_key, sent_at);
