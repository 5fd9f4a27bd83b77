//! Re-running a draw from its public proof alone (`GET …/draw-proof`), as
//! anyone can: `kem verify-draw URL` prints what this finds.

use crate::{
    draw::{self, Candidate},
    views::DrawProof,
};

/// What re-running a proof found; the draw holds when all four do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofCheck {
    /// sha256 of the revealed seed is the commitment published at the end.
    pub commitment_matches: bool,
    /// The listed entries hash to the logged digest (and there are `entryCount` of them).
    pub digest_matches: bool,
    /// The algorithm seeded with the seed picks the listed winners, in order.
    pub winners_match: bool,
    /// … and then the listed reserves, in order.
    pub reserves_match: bool,
}

impl ProofCheck {
    pub fn holds(&self) -> bool {
        self.commitment_matches && self.digest_matches && self.winners_match && self.reserves_match
    }
}

/// Re-runs the draw of `proof`.
pub fn check(proof: &DrawProof) -> ProofCheck {
    let candidates: Vec<Candidate> = proof
        .entries
        .iter()
        .map(|e| Candidate {
            participant_id: e.participant_id.clone(),
            weight: e.weight,
        })
        .collect();
    let seed = draw::parse_seed(&proof.seed);
    let commitment_matches = match (&seed, &proof.seed_commitment) {
        (Some(seed), Some(commitment)) => draw::commitment(seed) == *commitment,
        _ => false,
    };
    let digest_matches = draw::digest(&candidates) == proof.entry_digest
        && candidates.len() as i64 == proof.entry_count;
    let drawn = seed
        .map(|seed| {
            draw::draw(
                &candidates,
                proof.winners.len() + proof.reserves.len(),
                &seed,
            )
        })
        .unwrap_or_default();
    let split = proof.winners.len().min(drawn.len());
    ProofCheck {
        commitment_matches,
        digest_matches,
        winners_match: drawn[..split] == proof.winners[..],
        reserves_match: drawn[split..] == proof.reserves[..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::ProofEntry;

    fn proof() -> DrawProof {
        let entries: Vec<ProofEntry> = (0..20)
            .map(|i| ProofEntry {
                participant_id: format!("part-{i:02}"),
                weight: 1 + (i % 2),
            })
            .collect();
        let candidates: Vec<Candidate> = entries
            .iter()
            .map(|e| Candidate {
                participant_id: e.participant_id.clone(),
                weight: e.weight,
            })
            .collect();
        let (seed, commitment) = draw::new_committed_seed();
        let drawn = draw::draw(&candidates, 5, &draw::parse_seed(&seed).expect("seed"));
        DrawProof {
            event_id: "evt".into(),
            algorithm: draw::ALGORITHM.into(),
            seed_commitment: Some(commitment),
            seed,
            entry_count: 20,
            entry_digest: draw::digest(&candidates),
            winner_count: 3,
            reserve_count: 2,
            drawn_at: "2026-12-20T10:00:00Z".into(),
            entries,
            winners: drawn[..3].to_vec(),
            reserves: drawn[3..].to_vec(),
        }
    }

    #[test]
    fn an_honest_proof_holds_and_each_kind_of_tampering_is_caught() {
        let honest = proof();
        assert!(check(&honest).holds());

        let mut other_seed = honest.clone();
        other_seed.seed = draw::new_committed_seed().0;
        let found = check(&other_seed);
        assert!(!found.commitment_matches && !found.winners_match);

        let mut dropped = honest.clone();
        dropped.entries.remove(7);
        assert!(!check(&dropped).digest_matches);

        let mut swapped = honest.clone();
        swapped.winners.swap(0, 1);
        assert!(!check(&swapped).winners_match);

        let mut promoted = honest.clone();
        promoted.reserves.reverse();
        let found = check(&promoted);
        assert!(found.winners_match && !found.reserves_match);
    }
}
