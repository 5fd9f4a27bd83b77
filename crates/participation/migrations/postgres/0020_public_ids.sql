-- Entry links carry the event's short public id (`/e/{publicId}`); this
-- service learns which event it stands for from the event service's entry
-- state and keeps it here.
CREATE TABLE public_ids (
    public_id  TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL
);
