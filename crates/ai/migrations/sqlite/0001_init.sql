-- AI jobs as this service runs them: one row per jobId (the idempotency key
-- of a redelivered request), the request kept for a resumed run, and the
-- outcome once there is one.
CREATE TABLE ai_jobs (
    job_id          TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PROCESSING', 'COMPLETED', 'FAILED')),
    request         TEXT NOT NULL,
    provider        TEXT,
    trend_analysis  TEXT,
    recommendations TEXT,
    reason          TEXT,
    received_at     TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX ai_jobs_open ON ai_jobs (status, received_at);

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
