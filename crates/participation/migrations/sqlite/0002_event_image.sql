-- The promotional image shown on the entry page (from EventPublished).
ALTER TABLE events ADD COLUMN image_url TEXT;
