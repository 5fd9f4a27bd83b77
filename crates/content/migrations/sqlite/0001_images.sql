-- Image jobs this service has finished, one row per job id: a redelivered
-- job finds its row and is not rendered again.
CREATE TABLE content_jobs (
    job_id       TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
    reason       TEXT,
    render_ms    BIGINT NOT NULL DEFAULT 0,
    finished_at  TEXT NOT NULL
);

-- Rendered images and where the object store keeps them.
CREATE TABLE content_images (
    image_id      TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL REFERENCES content_jobs (job_id),
    event_id      TEXT NOT NULL,
    style         TEXT NOT NULL CHECK (style IN ('SIMPLE', 'FANCY', 'TRENDY')),
    platform      TEXT NOT NULL CHECK (platform IN ('INSTAGRAM', 'NAVER', 'KAKAO')),
    object_key    TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BIGINT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX content_images_job ON content_images (job_id);
CREATE INDEX content_images_event ON content_images (event_id);

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
