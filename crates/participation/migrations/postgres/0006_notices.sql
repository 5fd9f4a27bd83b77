-- Winner notices (docs/design.md §6.4): one row per winner per notice, the
-- state the database decides. `idempotency_key` travels with the provider
-- call, so a retry after a crash finds the message instead of sending again.
CREATE TABLE notices (
    idempotency_key TEXT PRIMARY KEY,
    notice_id       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    coupon_code     TEXT NOT NULL,
    -- SMS or ALIMTALK.
    channel         TEXT NOT NULL,
    -- PENDING → SENT → DELIVERED | FAILED
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    provider_id     TEXT,
    last_error      TEXT,
    -- Quiet hours: not sent before this.
    not_before      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    -- The process sending it holds it until then; after a crash another takes over.
    claimed_until   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX notices_due ON notices (status, next_attempt_at);
CREATE INDEX notices_event ON notices (event_id, participant_id, created_at);
