-- Events as analytics knows them, learnt from EventPublished on event-topic
-- (no service reads another's tables): owner, plan target and cost, industry.
CREATE TABLE events (
    event_id             TEXT PRIMARY KEY,
    owner_id             BIGINT NOT NULL,
    title                TEXT NOT NULL,
    store_name           TEXT NOT NULL,
    industry             TEXT NOT NULL,
    objective            TEXT NOT NULL,
    prize                TEXT NOT NULL,
    start_date           TEXT NOT NULL,
    end_date             TEXT NOT NULL,
    -- JSON array of channel codes.
    channels             TEXT NOT NULL,
    target_participants  BIGINT NOT NULL,
    estimated_cost       BIGINT NOT NULL,
    published_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_owner ON events (owner_id);

-- Per-event counters, keyed by event id alone so that entries arriving before
-- EventPublished are kept. `version` grows with every applied message and
-- tells a dashboard read whether what it cached is already outdated.
CREATE TABLE event_totals (
    event_id            TEXT PRIMARY KEY,
    participants        BIGINT NOT NULL DEFAULT 0,
    store_visitors      BIGINT NOT NULL DEFAULT 0,
    marketing_consents  BIGINT NOT NULL DEFAULT 0,
    ended_at            TIMESTAMPTZ,
    version             BIGINT NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL
);

-- Entries per entry channel (`DIRECT` when the customer came without one).
CREATE TABLE channel_participants (
    event_id            TEXT NOT NULL,
    channel             TEXT NOT NULL,
    participants        BIGINT NOT NULL DEFAULT 0,
    store_visitors      BIGINT NOT NULL DEFAULT 0,
    marketing_consents  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, channel)
);

-- Entries per hour, Korea time; `hour_start` like `2026-11-21T19:00:00+09:00`.
CREATE TABLE hourly_participants (
    event_id      TEXT NOT NULL,
    hour_start    TEXT NOT NULL,
    participants  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, hour_start)
);

-- Per channel: the distribution outcome and the latest figures of the
-- channel's stats API (absolute values; the newest `stats_at` wins).
CREATE TABLE channel_reach (
    event_id        TEXT NOT NULL,
    channel         TEXT NOT NULL,
    status          TEXT,
    expected_views  BIGINT NOT NULL DEFAULT 0,
    views           BIGINT NOT NULL DEFAULT 0,
    clicks          BIGINT NOT NULL DEFAULT 0,
    calls           BIGINT NOT NULL DEFAULT 0,
    stats_at        TIMESTAMPTZ,
    PRIMARY KEY (event_id, channel)
);

-- Bus messages already applied, written in the same transaction as the
-- counters they changed, so a redelivery changes nothing.
CREATE TABLE processed_messages (
    message_id    TEXT PRIMARY KEY,
    processed_at  TIMESTAMPTZ NOT NULL
);
