-- What the messaging sandbox received: one row per recipient of an NHN SMS /
-- LMS / 알림톡 request. A grouping key is stored once per product: the same
-- key never records a second message.
CREATE TABLE received_messages (
    request_id              TEXT NOT NULL,
    recipient_seq           INTEGER NOT NULL,
    product                 TEXT NOT NULL CHECK (product IN ('sms', 'alimtalk')),
    kind                    TEXT NOT NULL CHECK (kind IN ('SMS', 'LMS', 'ALIMTALK')),
    dedupe_key              TEXT NOT NULL,
    sender_grouping_key     TEXT,
    recipient_grouping_key  TEXT,
    recipient               TEXT NOT NULL,
    title                   TEXT,
    text                    TEXT,
    template_code           TEXT,
    template_params         TEXT NOT NULL,
    outcome                 TEXT NOT NULL CHECK (outcome IN ('DELIVERED', 'FAILED')),
    received_at             TEXT NOT NULL,
    deliver_at              TEXT NOT NULL,
    PRIMARY KEY (request_id, recipient_seq),
    UNIQUE (product, dedupe_key)
);
CREATE INDEX received_messages_time ON received_messages (product, received_at);
