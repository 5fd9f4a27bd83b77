-- Event drafts and events: one row from purpose selection to the end of the event.
CREATE TABLE event_drafts (
    id            TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    objective     TEXT NOT NULL,
    store_name    TEXT NOT NULL,
    industry      TEXT NOT NULL,
    address       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('DRAFT', 'APPROVED', 'ACTIVE', 'ENDED')),
    title         TEXT,
    -- Set while the draft is the owner's in-progress purpose selection; a
    -- repeated identical request (double tap) hits this unique key.
    dedupe_key    TEXT UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    approved_at   TIMESTAMPTZ,
    published_at  TIMESTAMPTZ
);
CREATE INDEX event_drafts_user_created ON event_drafts (user_id, created_at);

-- Messages committed with the state change that caused them, until the bus acknowledges them.
CREATE TABLE outbox (
    message_id  TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    msg_key     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_created ON outbox (created_at);
