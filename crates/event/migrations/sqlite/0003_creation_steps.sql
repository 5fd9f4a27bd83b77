-- The creation steps between purpose and publish (UFR-EVENT-030, UFR-CONT-010/020).
-- The chosen plan and content as JSON, and the plan's title, prize and dates as columns.
ALTER TABLE event_drafts ADD COLUMN prize TEXT;
ALTER TABLE event_drafts ADD COLUMN start_date TEXT;
ALTER TABLE event_drafts ADD COLUMN end_date TEXT;
ALTER TABLE event_drafts ADD COLUMN recommendation TEXT;
ALTER TABLE event_drafts ADD COLUMN content TEXT;

-- AI recommendation jobs as the event service sees them; results arrive over the bus.
CREATE TABLE ai_jobs (
    job_id          TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
    provider        TEXT,
    trend_analysis  TEXT,
    recommendations TEXT,
    reason          TEXT,
    requested_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX ai_jobs_event_requested ON ai_jobs (event_id, requested_at);

-- Image jobs: GENERATE renders every style for the platforms asked, RERENDER one edited image.
CREATE TABLE image_jobs (
    job_id        TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('GENERATE', 'RERENDER')),
    status        TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
    reason        TEXT,
    requested_at  TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX image_jobs_event_requested ON image_jobs (event_id, requested_at);

-- Rendered images, as the content service reported them.
CREATE TABLE event_images (
    image_id      TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL,
    job_id        TEXT NOT NULL,
    style         TEXT NOT NULL,
    platform      TEXT NOT NULL,
    url           TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX event_images_job ON event_images (job_id);
CREATE INDEX event_images_event ON event_images (event_id);
