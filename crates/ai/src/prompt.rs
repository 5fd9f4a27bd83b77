//! The words sent to an LLM: the role, the inputs with the engine's trend
//! analysis as context, the exact JSON shape wanted, and the correction
//! asked for after a malformed answer.

use contracts::ai::TrendAnalysis;
use serde_json::json;

use crate::domain::JobInput;

/// The system message.
pub const SYSTEM: &str = "당신은 한국 소상공인(카페, 음식점, 미용실 등)의 프로모션 이벤트를 기획하는 \
마케팅 전문가입니다. 업종, 지역 상권, 계절과 기념일, 목적에 맞는 현실적인 이벤트를 한국어로 제안합니다. \
항상 요청된 형식의 JSON 객체 하나만 답하고, 설명이나 코드 블록은 붙이지 않습니다.";

/// The shape of one recommendation, as an example the model fills in.
fn example_shape() -> serde_json::Value {
    json!({
        "optionNumber": 1,
        "costLevel": "저비용",
        "title": "이벤트 제목",
        "description": "이벤트 설명 (2~3문장)",
        "concept": "핵심 콘셉트",
        "targetAudience": "주요 대상 고객",
        "duration": {"recommendedDays": 14, "startDate": "YYYY-MM-DD", "endDate": "YYYY-MM-DD"},
        "mechanics": {"type": "DISCOUNT", "details": "참여 방법과 혜택"},
        "prize": "경품 또는 혜택",
        "promotionChannels": ["INSTAGRAM", "KAKAO"],
        "estimatedCost": {"min": 200000, "max": 300000,
                          "breakdown": [{"item": "항목", "amount": 300000}]},
        "expectedMetrics": {"newCustomers": 50, "revenueIncrease": 8.5, "roi": 150.0},
        "customerCopy": {"text": "고객에게 보여 줄 홍보 문구 (1~2문장)",
                         "hashtags": ["매장명", "업종", "이벤트"]}
    })
}

/// The user message: inputs, context, shape and rules.
pub fn request(input: &JobInput, trends: &TrendAnalysis) -> String {
    let trends = serde_json::to_string(trends).unwrap_or_default();
    format!(
        "다음 매장의 이벤트를 저비용·중비용·고비용 세 가지로 기획해 주세요.\n\
         - 매장명: {store}\n- 업종: {industry}\n- 주소: {address}\n- 목적: {objective}\n\
         - 시작 가능일: {start}\n\n\
         참고할 트렌드 분석(JSON): {trends}\n\n\
         답은 {{\"recommendations\": [옵션1, 옵션2, 옵션3]}} 형태의 JSON 객체이며, 각 옵션의 형식은 다음과 같습니다:\n\
         {shape}\n\n\
         규칙:\n\
         1. optionNumber는 1, 2, 3이고 각각 저비용, 중비용, 고비용입니다.\n\
         2. 모든 문자열은 비어 있지 않은 한국어입니다. mechanics.type은 DISCOUNT, GIFT, STAMP, LOTTERY, \
         REVIEW, REFERRAL, BUNDLE, COUPON, MEMBERSHIP, HASHTAG, CONTEST 중 하나입니다.\n\
         3. promotionChannels는 INSTAGRAM, NAVER, KAKAO, URIDONGNETV, RINGOBIZ, GINITV 중에서 고르며, \
         저비용은 INSTAGRAM·NAVER·KAKAO만 사용합니다.\n\
         4. 비용은 원 단위 정수이고 0 < min ≤ max이며, breakdown 금액의 합은 min 이상 max 이하입니다.\n\
         5. startDate는 시작 가능일 이후, endDate는 startDate 이후의 YYYY-MM-DD 날짜입니다.\n\
         6. revenueIncrease와 roi는 퍼센트 숫자입니다.\n\
         7. description은 점주에게 보여 줄 기획 근거이고, customerCopy.text는 고객이 SNS·블로그에서 읽을 \
         짧은 홍보 문구입니다. customerCopy에는 기획 근거, 트렌드 분석, 광고 채널 계획을 넣지 않습니다. \
         hashtags는 # 없이 띄어쓰기 없는 단어입니다.\n\
         8. 모든 문구는 목적({objective})에 맞게 씁니다. 목적이 신규 고객 유치가 아니면 '신규 고객'이나 \
         '첫 방문'을 말하지 않습니다.",
        store = input.store_name,
        industry = input.industry,
        address = input.address,
        objective = input.objective.label(),
        start = input.start_date.format("%Y-%m-%d"),
        shape = example_shape(),
    )
}

/// The follow-up after an answer that failed the checks.
pub fn correction(problem: &str) -> String {
    format!(
        "앞의 답은 형식 검사를 통과하지 못했습니다: {problem}\n\
         규칙을 모두 지킨 {{\"recommendations\": [...]}} JSON 객체 하나만 다시 답해 주세요."
    )
}
