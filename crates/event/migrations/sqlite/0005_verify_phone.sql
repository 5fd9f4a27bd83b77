-- The owner's choice at publish: entrants confirm their phone with a code
-- sent by SMS before their entry is stored (docs/design.md §8.2). Fixed once
-- published, so every entry of such an event was verified.
ALTER TABLE event_drafts ADD COLUMN verify_phone BOOLEAN NOT NULL DEFAULT FALSE;
