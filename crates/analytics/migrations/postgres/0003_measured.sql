-- What happened after the draw (docs/design.md §6.4): redeemed coupons are
-- measured store visits; winner notices by their outcome.
ALTER TABLE event_totals ADD COLUMN redemptions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE event_totals ADD COLUMN notices_sent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE event_totals ADD COLUMN notices_delivered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE event_totals ADD COLUMN notices_failed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channel_participants ADD COLUMN redemptions BIGINT NOT NULL DEFAULT 0;
