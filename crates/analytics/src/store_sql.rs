//! The analytics store's SQL text (see [`crate::store`]).

pub const UPSERT_EVENT: &str = "INSERT INTO events (event_id, owner_id, title, store_name, industry, \
     objective, prize, start_date, end_date, channels, target_participants, estimated_cost, \
     published_at, cost) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
     ON CONFLICT (event_id) DO UPDATE SET owner_id = excluded.owner_id, title = excluded.title, \
     store_name = excluded.store_name, industry = excluded.industry, objective = excluded.objective, \
     prize = excluded.prize, start_date = excluded.start_date, end_date = excluded.end_date, \
     channels = excluded.channels, target_participants = excluded.target_participants, \
     estimated_cost = excluded.estimated_cost, published_at = excluded.published_at, \
     cost = excluded.cost";

/// Every applied fact bumps the event's version; entries also count.
pub const UPSERT_TOTALS: &str =
    "INSERT INTO event_totals (event_id, participants, store_visitors, \
     marketing_consents, ended_at, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6) \
     ON CONFLICT (event_id) DO UPDATE SET \
     participants = event_totals.participants + excluded.participants, \
     store_visitors = event_totals.store_visitors + excluded.store_visitors, \
     marketing_consents = event_totals.marketing_consents + excluded.marketing_consents, \
     ended_at = COALESCE(excluded.ended_at, event_totals.ended_at), \
     version = event_totals.version + 1, updated_at = excluded.updated_at";

pub const UPSERT_CHANNEL_ENTRY: &str = "INSERT INTO channel_participants (event_id, channel, \
     participants, store_visitors, marketing_consents) VALUES ($1, $2, 1, $3, $4) \
     ON CONFLICT (event_id, channel) DO UPDATE SET \
     participants = channel_participants.participants + 1, \
     store_visitors = channel_participants.store_visitors + excluded.store_visitors, \
     marketing_consents = channel_participants.marketing_consents + excluded.marketing_consents";

pub const UPSERT_HOUR: &str =
    "INSERT INTO hourly_participants (event_id, hour_start, participants) \
     VALUES ($1, $2, 1) ON CONFLICT (event_id, hour_start) DO UPDATE SET \
     participants = hourly_participants.participants + 1";

pub const UPSERT_DISTRIBUTED: &str = "INSERT INTO channel_reach (event_id, channel, status, \
     expected_views) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, channel) DO UPDATE SET \
     status = excluded.status, expected_views = excluded.expected_views";

/// Stats are absolute figures: the newest collection wins, older ones change nothing.
pub const UPSERT_STATS: &str =
    "INSERT INTO channel_reach (event_id, channel, views, clicks, calls, \
     stats_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, channel) DO UPDATE SET \
     views = excluded.views, clicks = excluded.clicks, calls = excluded.calls, \
     stats_at = excluded.stats_at \
     WHERE channel_reach.stats_at IS NULL OR channel_reach.stats_at <= excluded.stats_at";

/// An entry on PostgreSQL in one statement (one round trip, one implicit
/// transaction): every insert runs only when the message id is new, so a
/// redelivery changes nothing. $1 message id, $2 now, $3 event, $4 channel,
/// $5 store visited (0/1), $6 marketing consent (0/1), $7 Korea-time hour.
pub const ENTRY_PG: &str = concat!(
    "WITH fresh AS (",
    platform::inbox_insert_sql!(),
    " RETURNING 1 AS n), \
     by_channel AS ( \
       INSERT INTO channel_participants (event_id, channel, participants, store_visitors, \
       marketing_consents) SELECT $3, $4, 1, $5, $6 FROM fresh \
       ON CONFLICT (event_id, channel) DO UPDATE SET \
       participants = channel_participants.participants + 1, \
       store_visitors = channel_participants.store_visitors + excluded.store_visitors, \
       marketing_consents = channel_participants.marketing_consents + excluded.marketing_consents), \
     by_hour AS ( \
       INSERT INTO hourly_participants (event_id, hour_start, participants) \
       SELECT $3, $7, 1 FROM fresh ON CONFLICT (event_id, hour_start) DO UPDATE SET \
       participants = hourly_participants.participants + 1), \
     totals AS ( \
       INSERT INTO event_totals (event_id, participants, store_visitors, marketing_consents, \
       version, updated_at) SELECT $3, 1, $5, $6, 1, $2 FROM fresh \
       ON CONFLICT (event_id) DO UPDATE SET \
       participants = event_totals.participants + 1, \
       store_visitors = event_totals.store_visitors + excluded.store_visitors, \
       marketing_consents = event_totals.marketing_consents + excluded.marketing_consents, \
       version = event_totals.version + 1, updated_at = excluded.updated_at) \
     SELECT COUNT(*) FROM fresh"
);

/// A redeemed coupon under its holder's entry channel.
pub const UPSERT_CHANNEL_REDEMPTION: &str = "INSERT INTO channel_participants (event_id, channel, \
     participants, store_visitors, marketing_consents, redemptions) VALUES ($1, $2, 0, 0, 0, 1) \
     ON CONFLICT (event_id, channel) DO UPDATE SET \
     redemptions = channel_participants.redemptions + 1";

/// A claim page opened, under its holder's entry channel.
pub const UPSERT_CHANNEL_CLAIM: &str = "INSERT INTO channel_participants (event_id, channel, \
     participants, store_visitors, marketing_consents, claims) VALUES ($1, $2, 0, 0, 0, 1) \
     ON CONFLICT (event_id, channel) DO UPDATE SET claims = channel_participants.claims + 1";

/// After the draw: $2 redemptions, $3 notices sent, $4 delivered, $5 failed, $6 claims to add.
pub const ADD_AFTER_DRAW: &str = "UPDATE event_totals SET redemptions = redemptions + $2, \
     notices_sent = notices_sent + $3, notices_delivered = notices_delivered + $4, \
     notices_failed = notices_failed + $5, claims = claims + $6 WHERE event_id = $1";
