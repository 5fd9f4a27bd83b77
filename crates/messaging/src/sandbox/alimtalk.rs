//! The 알림톡 API v2.3 stand-in: send (template + parameters), the message
//! list and the single message query.

use std::{collections::BTreeMap, collections::HashMap, sync::Arc};

use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::get,
    Json, Router,
};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    dedupe_key, internal,
    knobs::{failure, gate, korean_mobile, request_id, success},
    store::{Filter, Received, Status},
    Sandbox, LIST_LIMIT,
};

pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(
            "/alimtalk/v2.3/appkeys/{app_key}/messages",
            get(list).post(send),
        )
        .route(
            "/alimtalk/v2.3/appkeys/{app_key}/messages/{request_id}/{seq}",
            get(one),
        )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendBody {
    #[serde(default)]
    sender_key: String,
    #[serde(default)]
    template_code: String,
    #[serde(default)]
    sender_grouping_key: Option<String>,
    #[serde(default)]
    recipient_list: Vec<Recipient>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    #[serde(default)]
    recipient_no: String,
    #[serde(default)]
    template_parameter: BTreeMap<String, String>,
    #[serde(default)]
    recipient_grouping_key: Option<String>,
}

/// A date in Korea time as NHN writes it, in `format`.
pub fn kst_date(value: &str, format: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, format).ok()?;
    let korea = contracts::schedule::korea();
    Some(
        korea
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

/// Documented: -1000 invalid appKey, -1001 invalid secretKey.
async fn checked(sb: &Sandbox, app_key: &str, headers: &HeaderMap) -> Result<(), Response> {
    let secret = headers.get("x-secret-key").and_then(|v| v.to_str().ok());
    let auth = if app_key != sb.config.alimtalk_app_key {
        Err(failure(StatusCode::OK, -1000, "Invalid appKey."))
    } else if sb.config.alimtalk_secret_key.is_empty()
        || secret != Some(sb.config.alimtalk_secret_key.expose())
    {
        Err(failure(StatusCode::OK, -1001, "Invalid secretKey."))
    } else {
        Ok(())
    };
    gate(&sb.knobs, auth).await
}

/// `template` with each `#{key}` replaced by its parameter.
fn render(template: &str, params: &BTreeMap<String, String>) -> String {
    params.iter().fold(template.to_string(), |text, (k, v)| {
        text.replace(&format!("#{{{k}}}"), v)
    })
}

async fn send(
    State(sb): State<Arc<Sandbox>>,
    Path(app_key): Path<String>,
    headers: HeaderMap,
    body: Result<Json<SendBody>, JsonRejection>,
) -> Response {
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let Ok(Json(req)) = body else {
        return failure(
            StatusCode::OK,
            4,
            "Parameter verification failed: invalid JSON",
        );
    };
    if req.sender_key != sb.config.alimtalk_sender_key.expose() {
        return failure(StatusCode::OK, -2017, "Not exist plus friend.");
    }
    if req.template_code.is_empty() {
        return failure(
            StatusCode::OK,
            -2001,
            "The 'templateCode' must not be blank.",
        );
    }
    if req.recipient_list.is_empty() || req.recipient_list.len() > 1_000 {
        return failure(
            StatusCode::OK,
            -2004,
            "The 'recipientList' must be between 1 and 1000.",
        );
    }
    // Inferred: the guide has no code of its own for a malformed number.
    if req
        .recipient_list
        .iter()
        .any(|r| !korean_mobile(&r.recipient_no))
    {
        return failure(
            StatusCode::OK,
            4,
            "Parameter verification failed: recipientNo",
        );
    }
    let template = sb.config.alimtalk_templates.get(&req.template_code);
    let request = request_id();
    let mut results = Vec::new();
    let mut answered_id = None;
    for (i, r) in req.recipient_list.iter().enumerate() {
        let seq = i as i64 + 1;
        let m = Received {
            request_id: request.clone(),
            recipient_seq: seq,
            product: "alimtalk".into(),
            kind: "ALIMTALK".into(),
            dedupe_key: dedupe_key(
                req.sender_grouping_key.as_deref(),
                r.recipient_grouping_key.as_deref(),
                &r.recipient_no,
                &format!("{request}/{seq}"),
            ),
            sender_grouping_key: req.sender_grouping_key.clone(),
            recipient_grouping_key: r.recipient_grouping_key.clone(),
            recipient: r.recipient_no.clone(),
            title: None,
            text: template.map(|t| render(t, &r.template_parameter)),
            template_code: Some(req.template_code.clone()),
            template_params: serde_json::to_string(&r.template_parameter)
                .unwrap_or_else(|_| "{}".into()),
            outcome: String::new(),
            received_at: Utc::now(),
            deliver_at: Utc::now(),
            repeats: 0,
        };
        let row = match sb.accept(m).await {
            Ok(row) => row,
            Err(answer) => return answer,
        };
        answered_id.get_or_insert_with(|| row.request_id.clone());
        results.push(json!({
            "recipientSeq": row.recipient_seq,
            "recipientNo": row.recipient,
            "resultCode": 0,
            "resultMessage": "SUCCESS",
            "recipientGroupingKey": row.recipient_grouping_key,
        }));
    }
    success(json!({"message": {
        "requestId": answered_id.unwrap_or(request),
        "senderGroupingKey": req.sender_grouping_key,
        "sendResults": results,
    }}))
}

/// One message as the list and single queries show it. Inferred: `READY`
/// while Kakao has not reported (the guide names only the final states);
/// Kakao's `1000` on receipt and `3018` (cannot be delivered) on failure.
fn view(m: &Received) -> Value {
    let status = m.status(Utc::now());
    let (message_status, code, code_name) = match status {
        Status::Pending => ("READY", "", ""),
        Status::Delivered => ("COMPLETED", "1000", "성공"),
        Status::Failed => ("FAILED", "3018", "메시지를 전송할 수 없음"),
    };
    let format = "%Y-%m-%d %H:%M:%S.%3f";
    json!({
        "requestId": m.request_id,
        "recipientSeq": m.recipient_seq,
        "templateCode": m.template_code,
        "recipientNo": m.recipient,
        "content": m.text,
        "requestDate": crate::nhn::kst(m.received_at, format),
        "createDate": crate::nhn::kst(m.received_at, format),
        "receiveDate": (status != Status::Pending).then(|| crate::nhn::kst(m.deliver_at, format)),
        "resendStatus": "RSC01",
        "messageStatus": message_status,
        "resultCode": code,
        "resultCodeName": code_name,
        "senderGroupingKey": m.sender_grouping_key,
        "recipientGroupingKey": m.recipient_grouping_key,
    })
}

async fn list(
    State(sb): State<Arc<Sandbox>>,
    Path(app_key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let given = |name: &str| q.get(name).filter(|v| !v.is_empty()).cloned();
    let date = |name: &str| given(name).map(|v| kst_date(&v, "%Y-%m-%d %H:%M"));
    let (from, to) = (date("startRequestDate"), date("endRequestDate"));
    if matches!(from, Some(None)) || matches!(to, Some(None)) {
        return failure(
            StatusCode::OK,
            4,
            "Parameter verification failed: date format",
        );
    }
    let request_id = given("requestId");
    if request_id.is_none() && (from.is_none() || to.is_none()) {
        return failure(
            StatusCode::OK,
            4,
            "Parameter verification failed: requestId or startRequestDate and endRequestDate",
        );
    }
    let filter = Filter {
        request_id,
        from: from.flatten(),
        // The query names minutes; the whole last minute counts.
        to: to.flatten().map(|t| t + chrono::Duration::seconds(59)),
        recipient: given("recipientNo"),
        sender_grouping_key: given("senderGroupingKey"),
        recipient_grouping_key: given("recipientGroupingKey"),
    };
    let page_size: i64 = given("pageSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
        .clamp(1, LIST_LIMIT);
    match sb.store.list("alimtalk", &filter, page_size).await {
        Ok(rows) => {
            let messages: Vec<Value> = rows.iter().map(view).collect();
            success(json!({"messageSearchResultResponse": {
                "totalCount": messages.len(), "messages": messages,
            }}))
        }
        Err(e) => internal(e),
    }
}

async fn one(
    State(sb): State<Arc<Sandbox>>,
    Path((app_key, request_id, seq)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let Ok(seq) = seq.parse::<i64>() else {
        return failure(
            StatusCode::OK,
            4,
            "Parameter verification failed: recipientSeq",
        );
    };
    match sb.store.get("alimtalk", &request_id, seq).await {
        Ok(Some(m)) => success(json!({"message": view(&m)})),
        // Inferred: the guide lists no not-found code; an empty message.
        Ok(None) => success(json!({"message": null})),
        Err(e) => internal(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_their_parameters() {
        let params = BTreeMap::from([("store".to_string(), "맛있는집".to_string())]);
        assert_eq!(render("#{store} 당첨", &params), "맛있는집 당첨");
        assert!(kst_date("2026-11-22 00:30", "%Y-%m-%d %H:%M").is_some());
    }
}
