//! The participant list as CSV for Excel.

use super::ParticipantView;
use crate::signals::Signal;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell that a spreadsheet would run as a formula gets a leading `'`
/// (CSV injection: a name like `=HYPERLINK(…)`).
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Y"
    } else {
        "N"
    }
}

/// Signal codes in the owner's words, `빠른 입력 · 입력 시간 없음`.
fn signal_words(codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            Signal::ALL
                .into_iter()
                .find(|s| s.code() == code)
                .map_or(code.as_str(), |s| s.label())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The CSV export: UTF-8 with a BOM (so Excel reads the Korean), a header
/// row, then one masked row per entry. The `csv` crate does the quoting.
pub fn csv_bytes(rows: &[ParticipantView]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer.write_record([
        "응모번호",
        "이름",
        "휴대폰번호",
        "이메일",
        "매장방문",
        "마케팅동의",
        "참여채널",
        "참여일시",
        "개인정보삭제일시",
        "의심신호",
    ])?;
    for r in rows {
        writer.write_record([
            r.entry_number.to_string(),
            cell(&r.name),
            r.phone_number.clone(),
            r.email.clone().unwrap_or_default(),
            yes_no(r.store_visited).to_string(),
            yes_no(r.agree_marketing).to_string(),
            r.channel.clone().unwrap_or_default(),
            r.registered_at.clone(),
            r.erased_at.clone().unwrap_or_default(),
            signal_words(&r.signals),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> ParticipantView {
        ParticipantView {
            participant_id: "part-1".into(),
            entry_number: 1,
            name: name.into(),
            phone_number: "010-****-5678".into(),
            email: Some("mi***@example.com".into()),
            store_visited: true,
            agree_marketing: false,
            channel: Some("KAKAO".into()),
            registered_at: "2026-11-21T10:00:00Z".into(),
            erased_at: None,
            drawn_as: None,
            signals: Vec::new(),
            verified: false,
        }
    }

    #[test]
    fn csv_has_a_bom_a_header_masked_rows_and_no_formulas() {
        let flagged = ParticipantView {
            signals: vec!["TOO_FAST".into(), "NO_FILL_TIME".into()],
            verified: false,
            ..row("봇")
        };
        let bytes = csv_bytes(&[
            row("김민수"),
            row("=cmd|' /C calc'!A0"),
            row("a,\"b\""),
            flagged,
        ])
        .expect("csv");
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(
            lines[0].ends_with(",개인정보삭제일시,의심신호"),
            "{}",
            lines[0]
        );
        assert!(lines[0].starts_with("응모번호,이름,휴대폰번호"));
        assert_eq!(
            lines[1],
            "1,김민수,010-****-5678,mi***@example.com,Y,N,KAKAO,2026-11-21T10:00:00Z,,"
        );
        assert!(
            lines[4].ends_with(",빠른 입력 · 입력 시간 없음"),
            "{}",
            lines[4]
        );
        assert!(lines[2].starts_with("1,'=cmd"));
        assert!(lines[3].starts_with("1,\"a,\"\"b\"\"\""));
    }
}
