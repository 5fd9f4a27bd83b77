-- Events as the participation service knows them, learnt from event-topic
-- (no service reads another's tables). `entry_count` hands out entry numbers.
CREATE TABLE events (
    event_id      TEXT PRIMARY KEY,
    owner_id      BIGINT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('APPROVED', 'ACTIVE', 'ENDED')),
    title         TEXT NOT NULL DEFAULT '',
    store_name    TEXT NOT NULL DEFAULT '',
    prize         TEXT NOT NULL DEFAULT '',
    start_date    TEXT,
    end_date      TEXT,
    channels      TEXT NOT NULL DEFAULT '[]',
    entry_count   BIGINT NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Bus messages already applied, so a redelivery changes nothing.
CREATE TABLE processed_messages (
    message_id    TEXT PRIMARY KEY,
    processed_at  TIMESTAMPTZ NOT NULL
);

-- Customers' entries. The phone is stored normalised (digits only) in its own
-- column so that it can be de-duplicated by the unique key and masked on output.
CREATE TABLE participants (
    participant_id  TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (event_id),
    entry_number    BIGINT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    email           TEXT,
    agree_privacy   BOOLEAN NOT NULL,
    agree_marketing BOOLEAN NOT NULL,
    store_visited   BOOLEAN NOT NULL,
    channel         TEXT,
    registered_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT participants_event_phone UNIQUE (event_id, phone),
    CONSTRAINT participants_event_number UNIQUE (event_id, entry_number)
);

-- One draw per event: the primary key decides between concurrent draws.
CREATE TABLE draws (
    event_id          TEXT PRIMARY KEY REFERENCES events (event_id),
    draw_id           TEXT NOT NULL UNIQUE,
    drawn_by          BIGINT NOT NULL,
    drawn_at          TIMESTAMPTZ NOT NULL,
    winner_count      BIGINT NOT NULL,
    apply_bonus       BOOLEAN NOT NULL,
    algorithm         TEXT NOT NULL,
    seed              TEXT NOT NULL,
    entry_count       BIGINT NOT NULL,
    entry_digest      TEXT NOT NULL,
    visitor_weight    BIGINT NOT NULL,
    base_weight       BIGINT NOT NULL,
    -- JSON array of participant ids in the order they were drawn.
    winners           TEXT NOT NULL
);

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
