-- One distribution per marketing event: who asked, and the plan (content,
-- channels, settings) that retries reuse.
CREATE TABLE distributions (
    event_id         TEXT PRIMARY KEY,
    distribution_id  TEXT NOT NULL UNIQUE,
    user_id          BIGINT NOT NULL,
    plan             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT
);

-- Each channel of a distribution. A worker owns a channel while its claim
-- (claim_id, claimed_until) holds; the conditional claim UPDATE is what makes
-- two concurrent distributes post once.
CREATE TABLE channel_posts (
    event_id         TEXT NOT NULL REFERENCES distributions (event_id),
    channel          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    external_id      TEXT,
    post_url         TEXT,
    estimated_views  BIGINT NOT NULL DEFAULT 0,
    claim_id         TEXT,
    claimed_until    TEXT,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (event_id, channel)
);

-- Messages committed with the state change that caused them, until the bus acknowledges them.
CREATE TABLE outbox (
    message_id  TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    msg_key     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_created ON outbox (created_at);
