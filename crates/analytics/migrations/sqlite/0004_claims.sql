-- Winners who opened their claim page, per event and entry channel.
ALTER TABLE event_totals ADD COLUMN claims BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channel_participants ADD COLUMN claims BIGINT NOT NULL DEFAULT 0;
