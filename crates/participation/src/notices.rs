//! Winner notices (docs/design.md §6.4): the owner asks, each coupon holder
//! not yet told gets one message by SMS or 알림톡 through the messaging
//! providers, with the prize, the store and the claim link.
//!
//! Per winner: `PENDING → SENT → DELIVERED | FAILED`. A sender claims due
//! notices with a lease (see `store::notices`); a notice attempted before
//! is first looked up at the provider by its idempotency key, so a crash
//! between the provider's accept and our commit never sends it twice.
//! Quiet hours (21:00–08:00 Korea time) hold notices until 08:00 unless
//! the owner says `sendNow`.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::{DateTime, SubsecRound, Utc};

use contracts::{
    messages::{rfc3339, Envelope, WinnerNoticeUpdated},
    schedule::quiet_hours_end,
};
use messaging::{Accepted, Delivery, Kind, Outgoing, Providers, SendError};
use platform::ids::new_id;
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;

use crate::{
    service::{PartError, ParticipationService},
    store::{NoticeOutcome, NoticeRow},
};

/// How notices are sent and retried.
#[derive(Clone)]
pub struct NoticeSender {
    pub providers: Providers,
    /// Waits before attempts 2, 3, …; the last one repeats.
    pub backoff: Vec<Duration>,
    /// Attempts before a notice is FAILED.
    pub max_attempts: i64,
    /// How long a sender holds a claimed notice.
    pub lease: Duration,
}

/// `POST /api/events/{id}/winners/notify`'s answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyAnswer {
    pub notice_id: String,
    /// `SMS` or `ALIMTALK`.
    pub channel: String,
    /// Winners this notice goes to.
    pub queued: i64,
    /// Winners already told (or being told) by an earlier notice.
    pub already_notified: i64,
    /// When the messages go out (08:00 Korea time when asked during quiet hours).
    pub not_before: String,
    pub quiet_hours: bool,
}

/// What a notice says: informational (no advertising), the store, the
/// prize and the claim link.
pub fn notice_text(
    store: &str,
    name: &str,
    title: &str,
    prize: &str,
    link: &str,
    deadline: &str,
) -> String {
    format!(
        "[{store}] 이벤트 당첨 안내\n{name}님, '{title}' 이벤트에 당첨되셨습니다.\n경품: {prize}\n쿠폰 받기: {link}\n수령 기한: {deadline}까지 매장에서 쿠폰을 보여 주세요."
    )
}

impl ParticipationService {
    /// Queues a notice to every coupon holder of the event not yet told.
    pub async fn notify(
        &self,
        user_id: i64,
        event_id: &str,
        kind: Kind,
        send_now: bool,
    ) -> Result<NotifyAnswer, PartError> {
        self.owned(user_id, event_id).await?;
        self.store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let now = self.clock.now();
        let not_before = if send_now { now } else { quiet_hours_end(now) };
        let notice_id = new_id("notice");
        let (queued, skipped) = self
            .store
            .queue_notices(event_id, &notice_id, kind.code(), not_before, now)
            .await?;
        tracing::info!(
            event_id,
            notice_id,
            channel = kind.code(),
            queued = queued.len(),
            skipped,
            "winner notices queued"
        );
        Ok(NotifyAnswer {
            notice_id,
            channel: kind.code().to_string(),
            queued: queued.len() as i64,
            already_notified: skipped,
            not_before: rfc3339(not_before),
            quiet_hours: not_before > now,
        })
    }

    /// Sends what is due and follows what was sent; one pass.
    pub async fn run_notices(&self, sender: &NoticeSender) -> Result<(), PartError> {
        let lease =
            chrono::Duration::from_std(sender.lease).unwrap_or(chrono::Duration::seconds(45));
        // One notice per claim, so each lease covers one notice's calls
        // (lookups and send) and not a queue of others; a notice whose lease
        // ran out belongs to whoever claims it next, and a late outcome of
        // the previous holder is not recorded (see `record_notice`).
        for _ in 0..20 {
            // Microseconds: what PostgreSQL keeps, so the lease compares equal.
            let now = self.clock.now().trunc_subsecs(6);
            let lease_until = (now + lease).trunc_subsecs(6);
            let Some(notice) = self
                .store
                .claim_due_notices(now, lease_until, 1)
                .await?
                .pop()
            else {
                break;
            };
            let outcome = self.attempt(sender, &notice).await;
            self.record(&notice, outcome, Some(lease_until)).await?;
        }
        for notice in self.store.sent_notices(50).await? {
            let Some(provider_id) = notice.provider_id.clone() else {
                continue;
            };
            let Some(kind) = Kind::parse(&notice.channel) else {
                continue;
            };
            match sender
                .providers
                .of(kind)
                .delivery(&Accepted { provider_id })
                .await
            {
                Ok(Delivery::Delivered) => {
                    self.record(&notice, NoticeOutcome::Delivered, None).await?
                }
                Ok(Delivery::Failed(reason)) => {
                    self.record(&notice, NoticeOutcome::Failed(reason), None)
                        .await?
                }
                Ok(Delivery::Pending) | Err(_) => {
                    self.store
                        .touch_notice(&notice.idempotency_key, self.clock.now())
                        .await?
                }
            }
        }
        Ok(())
    }

    /// One attempt at a claimed notice.
    async fn attempt(&self, sender: &NoticeSender, notice: &NoticeRow) -> NoticeOutcome {
        let Some(kind) = Kind::parse(&notice.channel) else {
            return NoticeOutcome::Failed(format!("unknown channel {}", notice.channel));
        };
        let provider = sender.providers.of(kind);
        let message = match self.outgoing(kind, notice).await {
            Ok(Some(message)) => message,
            Ok(None) => return NoticeOutcome::Failed("winner's contact erased".into()),
            Err(e) => return self.retry_or_fail(sender, notice, e.to_string()),
        };
        if notice.attempts > 1 {
            // An earlier attempt may have been accepted before its outcome was stored.
            match provider
                .find(
                    &notice.idempotency_key,
                    &message.recipient,
                    notice.created_at,
                )
                .await
            {
                Ok(Some(found)) => return NoticeOutcome::Sent(found.provider_id),
                Ok(None) => {}
                Err(e) => return self.retry_or_fail(sender, notice, e.to_string()),
            }
        }
        match provider.send(&message).await {
            Ok(accepted) => NoticeOutcome::Sent(accepted.provider_id),
            Err(SendError::Permanent(reason)) => NoticeOutcome::Failed(reason),
            Err(SendError::Retryable(reason)) => self.retry_or_fail(sender, notice, reason),
        }
    }

    fn retry_or_fail(
        &self,
        sender: &NoticeSender,
        notice: &NoticeRow,
        reason: String,
    ) -> NoticeOutcome {
        if notice.attempts >= sender.max_attempts {
            return NoticeOutcome::Failed(reason);
        }
        let step = usize::try_from(notice.attempts - 1).unwrap_or(0);
        let wait = sender
            .backoff
            .get(step)
            .or(sender.backoff.last())
            .copied()
            .unwrap_or(Duration::from_secs(1));
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
        NoticeOutcome::Retry(self.clock.now() + wait, reason)
    }

    /// The message for a notice, or `None` when the winner's contact is gone.
    async fn outgoing(
        &self,
        kind: Kind,
        notice: &NoticeRow,
    ) -> Result<Option<Outgoing>, PartError> {
        let event = self
            .store
            .event(&notice.event_id)
            .await?
            .ok_or(PartError::UnknownEvent)?;
        let holder = self
            .store
            .participants_by_id(
                &notice.event_id,
                std::slice::from_ref(&notice.participant_id),
            )
            .await?
            .pop();
        let (Some(name), Some(phone)) = (
            holder.as_ref().and_then(|h| h.name.clone()),
            holder.and_then(|h| h.phone),
        ) else {
            return Ok(None);
        };
        let coupon = self
            .store
            .coupon(&notice.coupon_code)
            .await?
            .ok_or(PartError::UnknownCoupon)?;
        let link = format!("{}/c/{}", self.public_url, coupon.code);
        let deadline = coupon
            .claim_deadline
            .with_timezone(&contracts::schedule::korea())
            - chrono::Duration::seconds(1);
        let deadline = deadline.format("%-m월 %-d일").to_string();
        let params = BTreeMap::from([
            ("store".to_string(), event.store_name.clone()),
            ("name".to_string(), name.clone()),
            ("title".to_string(), event.title.clone()),
            ("prize".to_string(), event.prize.clone()),
            ("link".to_string(), link.clone()),
            ("deadline".to_string(), deadline.clone()),
        ]);
        Ok(Some(Outgoing {
            idempotency_key: notice.idempotency_key.clone(),
            recipient: phone,
            kind,
            text: notice_text(
                &event.store_name,
                &name,
                &event.title,
                &event.prize,
                &link,
                &deadline,
            ),
            template_code: None,
            template_params: params,
        }))
    }

    /// Records `outcome` of a notice held until `lease` (`None`: a delivery report).
    async fn record(
        &self,
        notice: &NoticeRow,
        outcome: NoticeOutcome,
        lease: Option<DateTime<Utc>>,
    ) -> Result<(), PartError> {
        let now = self.clock.now();
        let status = match &outcome {
            NoticeOutcome::Sent(_) => Some("SENT"),
            NoticeOutcome::Delivered => Some("DELIVERED"),
            NoticeOutcome::Failed(_) => Some("FAILED"),
            NoticeOutcome::Retry(..) => None,
        };
        let message = status.map(|status| {
            Envelope::wrap(&WinnerNoticeUpdated {
                event_id: notice.event_id.clone(),
                notice_id: notice.notice_id.clone(),
                participant_id: notice.participant_id.clone(),
                channel: notice.channel.clone(),
                status: status.to_string(),
                at: rfc3339(now),
            })
        });
        if self
            .store
            .record_notice(
                &notice.idempotency_key,
                &outcome,
                now,
                lease,
                message.as_ref(),
            )
            .await?
        {
            if let Some(message) = &message {
                self.outbox.send(std::slice::from_ref(message)).await;
            }
            match &outcome {
                NoticeOutcome::Failed(reason) => {
                    tracing::warn!(event_id = %notice.event_id, notice_id = %notice.notice_id, attempts = notice.attempts, reason = %reason, "winner notice failed")
                }
                NoticeOutcome::Retry(at, reason) => {
                    tracing::info!(event_id = %notice.event_id, notice_id = %notice.notice_id, attempts = notice.attempts, next = %at, reason = %reason, "winner notice will be retried")
                }
                _ => {
                    tracing::info!(event_id = %notice.event_id, notice_id = %notice.notice_id, status = ?status, "winner notice updated")
                }
            }
            if let Some(status) = status {
                platform::metrics::notice(&notice.channel, status);
            }
        }
        Ok(())
    }

    /// Each holder's latest notice status, by participant id.
    pub(crate) async fn notice_statuses(
        &self,
        event_id: &str,
    ) -> Result<BTreeMap<String, String>, PartError> {
        Ok(self
            .store
            .notices_of(event_id)
            .await?
            .into_iter()
            .map(|n| (n.participant_id, n.status))
            .collect())
    }
}

/// Runs [`ParticipationService::run_notices`] now and every `every` until shutdown.
pub fn spawn(
    service: Arc<ParticipationService>,
    sender: NoticeSender,
    every: Duration,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let sender = Arc::new(sender);
    platform::periodic::every("winner notices", every, shutdown, move || {
        let (service, sender) = (service.clone(), sender.clone());
        async move { service.run_notices(&sender).await }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_text_names_the_store_the_prize_and_the_link_and_advertises_nothing() {
        let text = super::notice_text(
            "맛있는집",
            "김민수",
            "겨울 커피",
            "아메리카노 1잔",
            "https://x/c/ABC",
            "12월 20일",
        );
        for part in [
            "[맛있는집]",
            "김민수님",
            "아메리카노 1잔",
            "https://x/c/ABC",
            "12월 20일까지",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains("(광고)") && !text.contains("할인"));
    }
}
