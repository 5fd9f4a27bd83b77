-- Channel selection (UFR-EVENT-040): codes as a JSON array, settings as a JSON object per code.
ALTER TABLE event_drafts ADD COLUMN channels TEXT;
ALTER TABLE event_drafts ADD COLUMN channel_settings TEXT;
ALTER TABLE event_drafts ADD COLUMN ended_at TIMESTAMPTZ;
CREATE INDEX event_drafts_user_status_created ON event_drafts (user_id, status, created_at);
