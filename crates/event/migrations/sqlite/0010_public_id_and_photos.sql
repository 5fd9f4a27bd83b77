-- Entry links carry a short public id instead of the internal `draft-…` id
-- (issue 12). Events made before it get a random one here; new ones get
-- 8 lower-case base32 characters from the service.
ALTER TABLE event_drafts ADD COLUMN public_id TEXT;
UPDATE event_drafts SET public_id = lower(hex(randomblob(5))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX event_drafts_public_id ON event_drafts (public_id);

-- The owner's own photos (product, logo) as JSON: [{kind, key, url, width, height}].
ALTER TABLE event_drafts ADD COLUMN photos TEXT;
