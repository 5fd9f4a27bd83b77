//! Re-running a draw from its public proof alone (`GET …/draw-proof`), as
//! anyone can: `kem verify-draw URL` prints what this finds.

use crate::{
    draw::{self, Candidate},
    views::DrawProof,
};

/// What re-running a proof found; the draw holds when all five do.
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
    /// The entries left out are exactly those of weight 0, each listed once.
    pub exclusions_match: bool,
}

impl ProofCheck {
    pub fn holds(&self) -> bool {
        self.commitment_matches
            && self.digest_matches
            && self.winners_match
            && self.reserves_match
            && self.exclusions_match
    }
}

/// Re-runs the draw of `proof`. The listed exclusions are applied (weight 0)
/// before anything is hashed or drawn, and the list must agree with them:
/// an entry of weight 0 that is not listed, or a listed one shown with its
/// weight, fails `exclusions_match`.
pub fn check(proof: &DrawProof) -> ProofCheck {
    let excluded = &proof.excluded_entry_numbers;
    let candidates: Vec<Candidate> = proof
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| Candidate {
            participant_id: e.participant_id.clone(),
            weight: if excluded.contains(&(i as i64 + 1)) {
                0
            } else {
                e.weight
            },
        })
        .collect();
    let zero_weight: Vec<i64> = (1..)
        .zip(&proof.entries)
        .filter(|(_, e)| e.weight == 0)
        .map(|(n, _)| n)
        .collect();
    let exclusions_match = excluded.windows(2).all(|w| w[0] < w[1]) && *excluded == zero_weight;
    // Entry numbers, when listed, are the places 1, 2, 3 …
    let numbered = (1..)
        .zip(&proof.entries)
        .all(|(n, e)| e.entry_number == 0 || e.entry_number == n);
    let seed = draw::parse_seed(&proof.seed);
    let commitment_matches = match (&seed, &proof.seed_commitment) {
        (Some(seed), Some(commitment)) => draw::commitment(seed) == *commitment,
        _ => false,
    };
    let digest_matches = draw::digest(&candidates) == proof.entry_digest
        && candidates.len() as i64 == proof.entry_count
        && numbered;
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
        exclusions_match,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::ProofEntry;

    /// An honest proof of 20 entries, those numbered in `excluded` left out.
    fn proof_excluding(excluded: &[i64]) -> DrawProof {
        let entries: Vec<ProofEntry> = (0..20)
            .map(|i| ProofEntry {
                entry_number: i as i64 + 1,
                participant_id: format!("part-{i:02}"),
                weight: if excluded.contains(&(i as i64 + 1)) {
                    0
                } else {
                    1 + (i % 2)
                },
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
            excluded_entry_numbers: excluded.to_vec(),
        }
    }

    fn proof() -> DrawProof {
        proof_excluding(&[])
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

    #[test]
    fn a_draw_with_entries_left_out_holds_and_hiding_or_adding_an_exclusion_is_caught() {
        let excluded = [2, 3, 5, 7, 11, 13, 17, 19];
        let honest = proof_excluding(&excluded);
        let found = check(&honest);
        assert!(found.holds(), "{found:?}");
        let left_out: Vec<String> = excluded
            .iter()
            .map(|n| format!("part-{:02}", n - 1))
            .collect();
        for id in honest.winners.iter().chain(&honest.reserves) {
            assert!(!left_out.contains(id), "{id} was left out but drawn");
        }

        // An exclusion not listed: an entry quietly given weight 0.
        let mut hidden = honest.clone();
        hidden.excluded_entry_numbers.retain(|n| *n != 7);
        let found = check(&hidden);
        assert!(!found.exclusions_match && !found.holds(), "{found:?}");

        // An exclusion listed for an entry that took part with its weight.
        let mut added = honest.clone();
        added.excluded_entry_numbers.push(20);
        assert!(!check(&added).holds());

        // A listed exclusion shown with its weight: the list disagrees.
        let mut restored = honest.clone();
        restored.entries[6].weight = 2;
        let found = check(&restored);
        assert!(!found.exclusions_match && !found.holds(), "{found:?}");

        // The same draw with nobody left out is another draw.
        let mut ignored = honest.clone();
        ignored.excluded_entry_numbers.clear();
        for e in &mut ignored.entries {
            e.weight = e.weight.max(1);
        }
        let found = check(&ignored);
        assert!(!found.digest_matches, "{found:?}");

        // Entry numbers out of place.
        let mut renumbered = honest.clone();
        renumbered.entries.swap(0, 1);
        assert!(!check(&renumbered).digest_matches);
    }

    #[test]
    fn a_proof_from_before_exclusions_still_parses_and_holds() {
        let mut old = serde_json::to_value(proof()).expect("json");
        old.as_object_mut()
            .expect("object")
            .remove("excludedEntryNumbers");
        for entry in old["entries"].as_array_mut().expect("entries") {
            entry.as_object_mut().expect("entry").remove("entryNumber");
        }
        let parsed: DrawProof = serde_json::from_value(old).expect("an older proof parses");
        assert!(check(&parsed).holds());
    }
}
