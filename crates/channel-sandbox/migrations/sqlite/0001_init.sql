-- What the sandbox received: Instagram media containers and every post,
-- booking or registration, one row per (channel, kind, idempotency key).
CREATE TABLE sandbox_posts (
    id               TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('container', 'post')),
    idempotency_key  TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (channel, kind, idempotency_key)
);
CREATE INDEX sandbox_posts_channel ON sandbox_posts (channel, kind, created_at);
