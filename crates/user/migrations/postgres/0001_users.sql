CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    phone_number    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    store_name      TEXT NOT NULL,
    industry        TEXT NOT NULL,
    address         TEXT NOT NULL,
    business_hours  TEXT,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_phone_number_key UNIQUE (phone_number)
);

CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
