//! Answers built from the stored channel rows: the distribute/retry answer
//! and the `DistributionCompleted` message.

use chrono::Utc;
use contracts::{
    distribution::{ChannelResult, DistributeAnswer, DistributedChannel, DistributionCompleted},
    messages::rfc3339,
};

use crate::{
    domain::{ChannelStatus, Plan},
    store::{ChannelRow, DistributionRow},
};

/// The message for a distribution that ended: every settled channel.
pub(crate) fn completed(event_id: &str, rows: &[ChannelRow]) -> DistributionCompleted {
    DistributionCompleted {
        event_id: event_id.to_string(),
        distributed_channels: rows
            .iter()
            .filter(|r| r.status().is_settled())
            .map(|r| DistributedChannel {
                channel: r.channel.clone(),
                status: r.status.clone(),
                expected_views: if r.status() == ChannelStatus::Success {
                    r.estimated_views.max(0) as u64
                } else {
                    0
                },
            })
            .collect(),
        completed_at: rfc3339(Utc::now()),
    }
}

/// The answer for the plan's channels, in the plan's order.
pub(crate) fn answer(row: &DistributionRow, plan: &Plan, rows: &[ChannelRow]) -> DistributeAnswer {
    let channel_results: Vec<ChannelResult> = plan
        .channels
        .iter()
        .map(|c| {
            let r = rows.iter().find(|r| r.channel == c.code());
            let status = r.map(ChannelRow::status).unwrap_or(ChannelStatus::Pending);
            let success = status == ChannelStatus::Success;
            ChannelResult {
                channel: c.code().to_string(),
                success,
                status: status.as_str().to_string(),
                external_id: r.and_then(|r| r.external_id.clone()).filter(|_| success),
                estimated_views: r
                    .filter(|_| success)
                    .map(|r| r.estimated_views.max(0) as u64)
                    .unwrap_or(0),
                post_url: r.and_then(|r| r.post_url.clone()).filter(|_| success),
                message: match status {
                    ChannelStatus::Success => "배포 완료".to_string(),
                    ChannelStatus::Failed => r
                        .and_then(|r| r.last_error.clone())
                        .unwrap_or_else(|| "배포 실패".to_string()),
                    _ => "배포 진행 중".to_string(),
                },
            }
        })
        .collect();
    let success_count = channel_results.iter().filter(|r| r.success).count() as u32;
    let failure_count = channel_results.len() as u32 - success_count;
    DistributeAnswer {
        distribution_id: row.distribution_id.clone(),
        event_id: row.event_id.clone(),
        success: failure_count == 0,
        success_count,
        failure_count,
        channel_results,
    }
}
