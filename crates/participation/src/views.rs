//! What the participation API answers, and the CSV export.

use serde::Serialize;
use utoipa::ToSchema;

use crate::store::DrawRow;

mod export;
pub use export::csv_bytes;

/// The answer to an entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryReceipt {
    #[schema(example = "part-01jd3v9q8f2c7m6t5x4w3z2y1a")]
    pub participant_id: String,
    pub event_id: String,
    /// Order of entry within the event, from 1.
    #[schema(example = 17)]
    pub entry_number: i64,
    #[schema(example = "INSTAGRAM")]
    pub channel: Option<String>,
    pub store_visited: bool,
    pub registered_at: String,
    #[schema(example = "이벤트 참여가 완료되었습니다")]
    pub message: String,
    /// The phone was confirmed with an SMS code (events that verify phones).
    pub verified: bool,
}

/// The public entry page's facts: defined in `contracts`, where the entry page reads it.
pub use contracts::entry_info::EntryInfo;

/// An entry as its event's owner sees it: phone and email masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantView {
    pub participant_id: String,
    pub entry_number: i64,
    /// `비공개 (삭제됨)` once erased.
    #[schema(example = "김민수")]
    pub name: String,
    #[schema(example = "010-****-5678")]
    pub phone_number: String,
    #[schema(example = "mi***@example.com")]
    pub email: Option<String>,
    pub store_visited: bool,
    pub agree_marketing: bool,
    pub channel: Option<String>,
    pub registered_at: String,
    /// When the name, phone and email were erased (after the draw).
    pub erased_at: Option<String>,
    /// `WINNER` or `RESERVE` once drawn.
    pub drawn_as: Option<String>,
    /// Bot signals (`HONEYPOT`, `TOO_FAST`, `NO_FILL_TIME`); empty when none.
    #[schema(example = json!(["TOO_FAST"]))]
    pub signals: Vec<String>,
    /// The phone was confirmed with an SMS code (every entry of an event
    /// that verifies phones: it takes no entry without one).
    pub verified: bool,
}

/// Entries of an event per bot signal, and those with any.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCounts {
    #[serde(rename = "HONEYPOT")]
    pub honeypot: i64,
    #[serde(rename = "TOO_FAST")]
    pub too_fast: i64,
    #[serde(rename = "NO_FILL_TIME")]
    pub no_fill_time: i64,
}

/// A page of the participant list, with the event's signal counts (of all
/// its entries, whatever the filter).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantPage {
    #[serde(flatten)]
    pub page: Page<ParticipantView>,
    pub signal_counts: SignalCounts,
    /// Entries with at least one signal: what `excludeFlagged` leaves out of the draw.
    pub flagged_count: i64,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub size: i64,
    pub total_count: i64,
    pub total_pages: i64,
}

/// A winner, in drawn order.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WinnerView {
    /// 1 for the first drawn.
    pub rank: i64,
    #[serde(flatten)]
    pub participant: ParticipantView,
    /// The prize coupon this entrant holds (winners; reserves once a prize passed to them).
    #[serde(flatten)]
    pub coupon: Option<CouponView>,
    /// The latest winner notice's state: `PENDING`, `SENT`, `DELIVERED` or `FAILED`.
    pub notice_status: Option<String>,
}

/// A prize coupon as its event's owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CouponView {
    /// Shown in groups: `K7M3QX-9TZB2H-4WQ8NP`.
    pub coupon_code: String,
    /// The winner's claim page, `…/c/{code}`.
    pub claim_url: String,
    pub claim_deadline: String,
    /// `USABLE`, `REDEEMED`, `EXPIRED` or `PASSED` (given to a reserve).
    pub coupon_status: String,
    pub redeemed_at: Option<String>,
    /// The prize's place (a passed prize keeps it).
    pub prize_rank: i64,
}

/// `GET /api/coupons/{code}`: what the winner's claim page shows; nothing personal.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CouponInfo {
    pub coupon_code: String,
    pub event_id: String,
    pub title: String,
    pub store_name: String,
    pub prize: String,
    pub claim_deadline: String,
    /// `USABLE`, `REDEEMED`, `EXPIRED` or `PASSED`.
    pub status: String,
    pub redeemed_at: Option<String>,
}

/// The answer of a redemption at the counter.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Redeemed {
    pub coupon_code: String,
    pub event_id: String,
    pub prize: String,
    pub prize_rank: i64,
    pub redeemed_at: String,
    /// The holder's name, so the owner can greet them (masked phone).
    pub name: String,
    pub phone_number: String,
}

/// One prize holder's full contact, for its event's owner only, after the draw.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WinnerContact {
    pub rank: i64,
    /// `WINNER` or `RESERVE`.
    pub drawn_as: String,
    pub participant_id: String,
    pub name: String,
    /// In full: `010-1234-5678`.
    pub phone_number: String,
    pub email: Option<String>,
}

/// A read of winners' contacts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactRead {
    pub read_by: i64,
    pub read_at: String,
    pub shown: i64,
}

/// `GET /api/events/{id}/winners/contacts`: every read is recorded and listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WinnerContacts {
    pub items: Vec<WinnerContact>,
    pub reads: Vec<ContactRead>,
}

/// One prize passed to a reserve.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PassedView {
    pub prize_rank: i64,
    pub from_participant_id: String,
    pub to_participant_id: String,
    pub coupon_code: String,
    pub claim_deadline: String,
}

/// The weights a draw used.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeightsView {
    #[schema(example = 2)]
    pub store_visitor: i64,
    #[schema(example = 1)]
    pub other: i64,
}

/// Everything needed to re-run a draw: the entries 1..=entryCount in entry
/// order with these weights hash to `entryDigest`; the algorithm seeded with
/// `seed` picks the winners.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawLogView {
    pub draw_id: String,
    pub event_id: String,
    #[schema(example = "efraimidis-spirakis-a-es/chacha20/v1")]
    pub algorithm: String,
    /// 32 bytes, hex: revealed by the draw.
    pub seed: String,
    /// sha256 (hex) of the seed, published when entries closed.
    pub seed_commitment: Option<String>,
    pub entry_count: i64,
    /// SHA-256 (hex) over `participantId:weight\n` per entry, in entry order.
    pub entry_digest: String,
    pub winner_count: i64,
    pub apply_store_visit_bonus: bool,
    pub weights: WeightsView,
    /// The owner who drew.
    pub drawn_by: i64,
    pub drawn_at: String,
    /// Participant ids in drawn order.
    pub winner_ids: Vec<String>,
    pub reserve_count: i64,
    /// Reserves' participant ids in drawn order, after the winners.
    pub reserve_ids: Vec<String>,
    /// Winners claim their prize until then.
    pub claim_deadline: Option<String>,
    /// The owner left entries with a bot signal out of the draw.
    pub exclude_flagged: bool,
    /// How many entries were left out (they weigh 0 in the entry list).
    pub excluded_count: i64,
    /// Their entry numbers, ascending.
    pub excluded_entry_numbers: Vec<i64>,
}

impl From<DrawRow> for DrawLogView {
    fn from(row: DrawRow) -> Self {
        let excluded = row.excluded_numbers();
        DrawLogView {
            exclude_flagged: row.exclude_flagged,
            excluded_count: excluded.len() as i64,
            excluded_entry_numbers: excluded,
            winner_ids: row.winner_ids(),
            reserve_ids: row.reserve_ids(),
            reserve_count: row.reserve_count,
            claim_deadline: row.claim_deadline.map(contracts::messages::rfc3339),
            seed_commitment: row.seed_commitment,
            draw_id: row.draw_id,
            event_id: row.event_id,
            algorithm: row.algorithm,
            seed: row.seed,
            entry_count: row.entry_count,
            entry_digest: row.entry_digest,
            winner_count: row.winner_count,
            apply_store_visit_bonus: row.apply_bonus,
            weights: WeightsView {
                store_visitor: row.visitor_weight,
                other: row.base_weight,
            },
            drawn_by: row.drawn_by,
            drawn_at: contracts::messages::rfc3339(row.drawn_at),
        }
    }
}

/// What was erased after the draw, and when the rest will be.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErasureView {
    /// Entrants neither winner nor reserve whose name, phone and email were erased.
    pub entrants_erased_count: i64,
    pub entrants_erased_at: Option<String>,
    /// When winners' and reserves' data will be erased (claim deadline + retention).
    pub winners_erase_due_at: Option<String>,
    pub winners_erased_at: Option<String>,
}

/// The draw's answer, and the answer of `GET …/winners`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WinnersView {
    pub winners: Vec<WinnerView>,
    /// 예비 당첨자, in drawn order (rank continues after the winners).
    pub reserves: Vec<WinnerView>,
    pub draw_log: DrawLogView,
    pub erasure: ErasureView,
}

/// One entry of the draw's input.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProofEntry {
    /// Its place in the list, from 1 (0 in proofs made before it was listed).
    #[serde(default)]
    pub entry_number: i64,
    pub participant_id: String,
    /// 0 for an entry left out of the draw.
    pub weight: u32,
}

/// `GET /api/events/{id}/draw-proof`: everything needed to re-run the draw,
/// and nothing personal. Check: sha256(seed bytes) = `seedCommitment`; the
/// `entries` (with weight 0 at `excludedEntryNumbers`) hash to
/// `entryDigest`; the algorithm seeded with `seed` over `entries` picks
/// `winners` then `reserves` (`kem verify-draw URL`).
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawProof {
    pub event_id: String,
    #[schema(example = "efraimidis-spirakis-a-es/chacha20/v1")]
    pub algorithm: String,
    pub seed_commitment: Option<String>,
    pub seed: String,
    pub entry_count: i64,
    pub entry_digest: String,
    pub winner_count: i64,
    pub reserve_count: i64,
    pub drawn_at: String,
    /// Entries 1..=`entryCount`, in entry order.
    pub entries: Vec<ProofEntry>,
    pub winners: Vec<String>,
    pub reserves: Vec<String>,
    /// Entry numbers the owner left out (bot signals), ascending: they
    /// weigh 0, so they cannot be drawn. Empty (or absent in older proofs)
    /// when nobody was left out.
    #[serde(default)]
    pub excluded_entry_numbers: Vec<i64>,
}
