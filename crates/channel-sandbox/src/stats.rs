//! Stats that grow plausibly with time since the post went live: a small
//! start, then views at a per-channel rate with a per-post spread, so two
//! reads never go down and different posts differ.

use chrono::Utc;
use contracts::channels::Channel;

use crate::store::SandboxPost;

/// What a channel reports for one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub views: u64,
    pub clicks: u64,
    /// Calls to the store (RINGOBIZ counts the calls whose ringback played).
    pub calls: u64,
}

/// Views per minute a fresh post gathers on each channel.
fn per_minute(channel: Channel) -> f64 {
    match channel {
        Channel::Uridongnetv => 40.0,
        Channel::Ringobiz => 3.0,
        Channel::Ginitv => 60.0,
        Channel::Instagram => 25.0,
        Channel::Naver => 10.0,
        Channel::Kakao => 15.0,
    }
}

/// The stats of `post` now.
pub fn observe(channel: Channel, post: &SandboxPost) -> Observed {
    let minutes = (Utc::now() - post.created_at).num_milliseconds().max(0) as f64 / 60_000.0;
    // A stable factor between 0.8 and 1.2 per post (FNV-1a of its id).
    let hash = post.id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let spread = 0.8 + (hash % 41) as f64 / 100.0;
    // Growth slows over the first day (square root after the first hour).
    let effective = if minutes <= 60.0 {
        minutes
    } else {
        60.0 + (minutes - 60.0).sqrt() * 8.0
    };
    let views = 5 + (per_minute(channel) * effective * spread) as u64;
    let clicks = views / 20;
    let calls = if channel == Channel::Ringobiz {
        views / 8
    } else {
        views / 200
    };
    Observed {
        views,
        clicks,
        calls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, minutes_ago: i64) -> SandboxPost {
        SandboxPost {
            id: id.into(),
            channel: "NAVER".into(),
            kind: "post".into(),
            idempotency_key: "k".into(),
            body: "{}".into(),
            created_at: Utc::now() - chrono::Duration::minutes(minutes_ago),
        }
    }

    #[test]
    fn views_grow_with_age_and_start_small() {
        let fresh = observe(Channel::Naver, &post("a", 0));
        let hour = observe(Channel::Naver, &post("a", 60));
        let day = observe(Channel::Naver, &post("a", 60 * 24));
        assert!(fresh.views < 10, "{fresh:?}");
        assert!(hour.views > fresh.views && day.views > hour.views);
        assert!(day.clicks > 0 && day.clicks < day.views);
    }

    #[test]
    fn ringback_reports_calls() {
        let r = observe(Channel::Ringobiz, &post("b", 120));
        assert!(r.calls > 0);
    }
}
