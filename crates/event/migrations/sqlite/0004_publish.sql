-- Publish (seed 2): the channels' results as the distribution service answered
-- them, and a claim so that concurrent publishes of one event distribute once.
ALTER TABLE event_drafts ADD COLUMN distribution_results TEXT;
ALTER TABLE event_drafts ADD COLUMN publishing_until TEXT;
