//! The SMS API v3.0 stand-in: send (`sms` short, `mms` long/LMS), the
//! delivery list and the single delivery query.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::get,
    Json, Router,
};
use chrono::Utc;
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
            "/sms/v3.0/appKeys/{app_key}/sender/{path}",
            get(list).post(send),
        )
        .route(
            "/sms/v3.0/appKeys/{app_key}/sender/{path}/{request_id}",
            get(one),
        )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    send_no: String,
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
    recipient_grouping_key: Option<String>,
}

/// `sms` → SMS, `mms` → LMS (the sandbox takes no attachments).
fn kind_of(path: &str) -> Option<&'static str> {
    match path {
        "sms" => Some("SMS"),
        "mms" => Some("LMS"),
        _ => None,
    }
}

/// The documented codes: -1000 invalid app key. A wrong secret key has no
/// code of its own in the error table; the sandbox answers -1000 too (inferred).
async fn checked(sb: &Sandbox, app_key: &str, headers: &HeaderMap) -> Result<(), Response> {
    let secret = headers.get("x-secret-key").and_then(|v| v.to_str().ok());
    let auth = if app_key != sb.config.sms_app_key {
        Err(failure(StatusCode::OK, -1000, "Invalid appkey."))
    } else if sb.config.sms_secret_key.is_empty()
        || secret != Some(sb.config.sms_secret_key.expose())
    {
        Err(failure(
            StatusCode::OK,
            -1000,
            "Invalid appkey or secretKey.",
        ))
    } else {
        Ok(())
    };
    gate(&sb.knobs, auth).await
}

async fn send(
    State(sb): State<Arc<Sandbox>>,
    Path((app_key, path)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<SendBody>, JsonRejection>,
) -> Response {
    let Some(kind) = kind_of(&path) else {
        return failure(StatusCode::NOT_FOUND, -9998, "Unavailable API");
    };
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let Ok(Json(req)) = body else {
        return failure(StatusCode::OK, -9997, "Invalid JSON format");
    };
    if req.body.is_empty() || (kind == "LMS" && req.title.as_deref().unwrap_or("").is_empty()) {
        return failure(StatusCode::OK, -2014, "Title or body is missing");
    }
    if req.send_no != sb.config.sms_send_no {
        return failure(
            StatusCode::OK,
            -2312,
            "Sender number is missing or unregistered",
        );
    }
    if req.recipient_list.is_empty() {
        return failure(StatusCode::OK, -2001, "Recipient is missing");
    }
    if req.recipient_list.len() > 1_000 {
        return failure(
            StatusCode::OK,
            -2016,
            "The number of recipients is over 1,000",
        );
    }
    if req
        .recipient_list
        .iter()
        .any(|r| !korean_mobile(&r.recipient_no))
    {
        return failure(StatusCode::OK, -2019, "Recipient number is invalid");
    }
    let request = request_id();
    let mut results = Vec::new();
    let mut answered_id = None;
    for (i, r) in req.recipient_list.iter().enumerate() {
        let seq = i as i64 + 1;
        let m = Received {
            request_id: request.clone(),
            recipient_seq: seq,
            product: "sms".into(),
            kind: kind.into(),
            dedupe_key: dedupe_key(
                req.sender_grouping_key.as_deref(),
                r.recipient_grouping_key.as_deref(),
                &r.recipient_no,
                &format!("{request}/{seq}"),
            ),
            sender_grouping_key: req.sender_grouping_key.clone(),
            recipient_grouping_key: r.recipient_grouping_key.clone(),
            recipient: r.recipient_no.clone(),
            title: req.title.clone().filter(|_| kind == "LMS"),
            text: Some(req.body.clone()),
            template_code: None,
            template_params: "{}".into(),
            outcome: String::new(),
            received_at: Utc::now(),
            deliver_at: Utc::now(),
            repeats: 0,
        };
        let row = match sb.accept(m).await {
            Ok(row) => row,
            Err(answer) => return answer,
        };
        // A repeat answers the first acceptance's ids.
        answered_id.get_or_insert_with(|| row.request_id.clone());
        results.push(json!({
            "recipientNo": row.recipient,
            "resultCode": 0,
            "resultMessage": "SUCCESS",
            "recipientSeq": row.recipient_seq,
            "recipientGroupingKey": row.recipient_grouping_key,
        }));
    }
    success(json!({"body": {"data": {
        "requestId": answered_id.unwrap_or(request),
        "statusCode": "2",
        "senderGroupingKey": req.sender_grouping_key,
        "sendResultList": results,
    }}}))
}

/// One message as the list and single queries show it.
fn view(m: &Received) -> Value {
    let status = m.status(Utc::now());
    let (msg_status, name, code, code_name) = match status {
        Status::Pending => ("2", "processing", "", ""),
        Status::Delivered => ("3", "successful", "1000", "successful"),
        Status::Failed => ("0", "failed", "3001", "No subscriber available"),
    };
    // As the guide shows it: `2018-08-10 10:06:30.0`.
    let format = "%Y-%m-%d %H:%M:%S.0";
    json!({
        "requestId": m.request_id,
        "requestDate": crate::nhn::kst(m.received_at, format),
        "resultDate": (status != Status::Pending).then(|| crate::nhn::kst(m.deliver_at, format)),
        "title": m.title,
        "body": m.text,
        "recipientNo": m.recipient,
        "msgStatus": msg_status,
        "msgStatusName": name,
        "resultCode": code,
        "resultCodeName": code_name,
        "recipientSeq": m.recipient_seq,
        "messageType": m.kind,
        "senderGroupingKey": m.sender_grouping_key,
        "recipientGroupingKey": m.recipient_grouping_key,
    })
}

/// Parses an SMS query date, `yyyy-MM-dd HH:mm:ss` in Korea time.
fn date(q: &HashMap<String, String>, name: &str) -> Result<Option<chrono::DateTime<Utc>>, ()> {
    match q.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => super::alimtalk::kst_date(v, "%Y-%m-%d %H:%M:%S")
            .map(Some)
            .ok_or(()),
    }
}

async fn list(
    State(sb): State<Arc<Sandbox>>,
    Path((app_key, path)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = kind_of(&path) else {
        return failure(StatusCode::NOT_FOUND, -9998, "Unavailable API");
    };
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let (Ok(from), Ok(to)) = (date(&q, "startRequestDate"), date(&q, "endRequestDate")) else {
        return failure(StatusCode::OK, -2000, "Invalid date format");
    };
    let given = |name: &str| q.get(name).filter(|v| !v.is_empty()).cloned();
    let request_id = given("requestId");
    if request_id.is_none() && (from.is_none() || to.is_none()) {
        return failure(
            StatusCode::OK,
            -2011,
            "Required query parameters are missing (requestId or startRequestDate, endRequestDate)",
        );
    }
    let filter = Filter {
        request_id,
        from,
        to,
        recipient: given("recipientNo"),
        sender_grouping_key: given("senderGroupingKey"),
        recipient_grouping_key: given("recipientGroupingKey"),
    };
    let page_size: i64 = given("pageSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
        .clamp(1, LIST_LIMIT);
    match sb.store.list("sms", &filter, LIST_LIMIT).await {
        Ok(rows) => {
            let rows: Vec<Value> = rows.iter().filter(|m| m.kind == kind).map(view).collect();
            let total = rows.len();
            let page: Vec<Value> = rows.into_iter().take(page_size as usize).collect();
            success(json!({"body": {
                "pageNum": 1, "pageSize": page_size, "totalCount": total, "data": page,
            }}))
        }
        Err(e) => internal(e),
    }
}

async fn one(
    State(sb): State<Arc<Sandbox>>,
    Path((app_key, path, request_id)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = kind_of(&path) else {
        return failure(StatusCode::NOT_FOUND, -9998, "Unavailable API");
    };
    if let Err(answer) = checked(&sb, &app_key, &headers).await {
        return answer;
    }
    let Some(seq) = q.get("recipientSeq").and_then(|v| v.parse::<i64>().ok()) else {
        return failure(StatusCode::OK, -2012, "Detail query parameter is invalid");
    };
    match sb.store.get("sms", &request_id, seq).await {
        Ok(Some(m)) if m.kind == kind => success(json!({"body": {"data": view(&m)}})),
        Ok(_) => failure(StatusCode::OK, -2008, "Request ID (requestId) is invalid"),
        Err(e) => internal(e),
    }
}
