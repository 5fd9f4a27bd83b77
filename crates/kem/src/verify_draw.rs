//! `kem verify-draw URL`: fetches a draw's public proof and re-runs the draw
//! on this machine (docs/design.md, "A draw that anyone can check").

use anyhow::Context;
use participation::{proof, views::DrawProof};

/// Fetches the proof at `url` (an event's `/api/events/{id}/draw-proof`, or
/// its entry page `/e/{id}`), re-runs the draw and prints each check; an
/// error when any fails.
pub async fn run(url: &str) -> anyhow::Result<()> {
    let url = proof_url(url);
    let answer = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot fetch {url}"))?;
    anyhow::ensure!(
        answer.status().is_success(),
        "{url} answered {} (is the event drawn yet?)",
        answer.status()
    );
    let proof: DrawProof = answer.json().await.context("not a draw proof")?;
    let found = proof::check(&proof);
    let mark = |ok: bool| if ok { "OK  " } else { "FAIL" };
    println!(
        "draw proof of {} ({} entries, {})",
        proof.event_id, proof.entry_count, proof.algorithm
    );
    println!(
        "{} sha256(seed) = seed commitment published when entries closed",
        mark(found.commitment_matches)
    );
    println!(
        "{} entry list hashes to the logged digest {}",
        mark(found.digest_matches),
        proof.entry_digest
    );
    println!(
        "{} {}",
        mark(found.exclusions_match),
        excluded_line(&proof.excluded_entry_numbers)
    );
    println!(
        "{} winners re-drawn in the same order: {}",
        mark(found.winners_match),
        proof.winners.join(", ")
    );
    println!(
        "{} reserves re-drawn in the same order: {}",
        mark(found.reserves_match),
        proof.reserves.join(", ")
    );
    anyhow::ensure!(found.holds(), "the draw does NOT verify");
    println!("the draw verifies");
    Ok(())
}

/// What the proof says about entries left out of the draw (bot signals).
fn excluded_line(numbers: &[i64]) -> String {
    if numbers.is_empty() {
        return "no entry left out of the draw".to_string();
    }
    let list: Vec<String> = numbers.iter().map(i64::to_string).collect();
    format!(
        "{} flagged entries left out of the draw (weight 0, never drawn): {}",
        numbers.len(),
        list.join(", ")
    )
}

/// `…/e/{id}` → `…/api/events/{id}/draw-proof`; anything else as given.
fn proof_url(url: &str) -> String {
    match url.split_once("/e/") {
        Some((origin, rest)) if !url.contains("/api/") => {
            let id = rest.split(['?', '/', '#']).next().unwrap_or_default();
            format!("{origin}/api/events/{id}/draw-proof")
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_entries_left_out_are_named_by_number() {
        assert_eq!(super::excluded_line(&[]), "no entry left out of the draw");
        assert_eq!(
            super::excluded_line(&[4, 9]),
            "2 flagged entries left out of the draw (weight 0, never drawn): 4, 9"
        );
    }

    #[test]
    fn an_entry_page_link_points_to_its_proof() {
        assert_eq!(
            super::proof_url("https://kem.example/e/evt-1?ch=KAKAO"),
            "https://kem.example/api/events/evt-1/draw-proof"
        );
        assert_eq!(
            super::proof_url("http://h/api/events/e/draw-proof"),
            "http://h/api/events/e/draw-proof"
        );
    }
}
