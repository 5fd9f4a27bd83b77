//! Error codes that appear in the `code` field of every error answer.
//! The seed-given codes are kept verbatim; the rest follow the same scheme.

/// Body is not JSON, a field has the wrong type, or a path/query value is malformed.
pub const INVALID_REQUEST: &str = "COMMON_400";
/// No such route.
pub const NOT_FOUND: &str = "COMMON_404";
/// Body larger than the server accepts.
pub const PAYLOAD_TOO_LARGE: &str = "COMMON_413";
/// Too many requests from one client (or for one key) in a short time; `Retry-After` says when to come back.
pub const TOO_MANY_REQUESTS: &str = "COMMON_429";
/// Something failed on our side; details are in the log under the trace id.
pub const INTERNAL: &str = "COMMON_500";
/// A dependency (database) is unavailable right now.
pub const UNAVAILABLE: &str = "COMMON_503";

/// Missing, malformed or badly signed bearer token.
pub const AUTH_MISSING: &str = "AUTH_001";
/// Token expired.
pub const AUTH_EXPIRED: &str = "AUTH_002";
/// Token revoked by logout or password change.
pub const AUTH_REVOKED: &str = "AUTH_003";

/// Email already registered (409).
pub const USER_EMAIL_TAKEN: &str = "USER_001";
/// Phone number already registered (409).
pub const USER_PHONE_TAKEN: &str = "USER_002";
/// Invalid sign-up or profile input: bad email, weak password, bad phone, blank field (400).
pub const USER_INVALID_INPUT: &str = "USER_003";
/// Wrong email or password (401).
pub const USER_BAD_CREDENTIALS: &str = "USER_004";
/// Too many failed logins; the account is locked for a while (429).
pub const USER_LOCKED: &str = "USER_005";
/// The current password given for a password change is wrong (400).
pub const USER_WRONG_CURRENT_PASSWORD: &str = "USER_006";
/// Another user's data was asked for (403).
pub const USER_FORBIDDEN: &str = "USER_007";
/// No such user (404).
pub const USER_NOT_FOUND: &str = "USER_404";

/// Objective is not one of the four (seed 1).
pub const EVENT_INVALID_OBJECTIVE: &str = "EVENT_001";
/// Store name, industry or address missing (seed 1).
pub const EVENT_STORE_INFO_MISSING: &str = "EVENT_002";
/// Another owner's event, or a body `userId` that is not the caller (403).
pub const EVENT_FORBIDDEN: &str = "EVENT_003";
/// Not ready to publish (seed 2).
pub const EVENT_NOT_READY: &str = "EVENT_004";
/// Distribution failed as a whole (seed 2).
pub const EVENT_DISTRIBUTION_FAILED: &str = "EVENT_005";
/// A channel code that is not one of the six (400).
pub const EVENT_UNKNOWN_CHANNEL: &str = "EVENT_006";
/// Channel list empty or a channel's settings invalid (400).
pub const EVENT_INVALID_CHANNEL_SETTINGS: &str = "EVENT_007";
/// The event is no longer in a state that allows this step (409).
pub const EVENT_WRONG_STATUS: &str = "EVENT_008";
/// A list filter or paging value is invalid (400).
pub const EVENT_INVALID_QUERY: &str = "EVENT_009";
/// No AI recommendation was requested for this event yet (404).
pub const EVENT_NO_RECOMMENDATIONS: &str = "EVENT_010";
/// A step needs an earlier one first: recommendations not ready, no plan chosen, images not ready (409).
pub const EVENT_STEP_NOT_READY: &str = "EVENT_011";
/// A bad recommendation choice: option number, title, prize or dates (400).
pub const EVENT_INVALID_RECOMMENDATION: &str = "EVENT_012";
/// A bad content choice or edit: unknown image, title, prize or caption (400).
pub const EVENT_INVALID_CONTENT: &str = "EVENT_013";
/// A bad image request: unknown platform (400).
pub const EVENT_INVALID_IMAGE_REQUEST: &str = "EVENT_014";
/// A published event cannot be deleted, only ended (409).
pub const EVENT_NOT_DELETABLE: &str = "EVENT_015";
/// A photo upload without a usable `kind` (product | logo) or `file` part (400).
pub const PHOTO_INVALID_UPLOAD: &str = "PHOTO_001";
/// A photo larger than 10 MB (413).
pub const PHOTO_TOO_LARGE: &str = "PHOTO_002";
/// A photo in a type we do not take (not JPEG or PNG, e.g. HEIC) (415).
pub const PHOTO_UNSUPPORTED_TYPE: &str = "PHOTO_003";
/// A file that is not an image, whatever its name or declared type says (415).
pub const PHOTO_NOT_AN_IMAGE: &str = "PHOTO_004";
/// The photo service could not be reached or failed (503).
pub const PHOTO_UNAVAILABLE: &str = "PHOTO_005";
/// No such event.
pub const EVENT_NOT_FOUND: &str = "EVENT_404";

/// The same phone number already entered this event (409): 이미 참여하신 이벤트입니다.
pub const PART_DUPLICATE: &str = "PART_001";
/// The event does not accept entries now: not yet active, or ended (409).
pub const PART_NOT_ACCEPTING: &str = "PART_002";
/// Another owner's event (403).
pub const PART_FORBIDDEN: &str = "PART_003";
/// Winners were already drawn for this event (409).
pub const PART_ALREADY_DRAWN: &str = "PART_004";
/// `winnerCount` outside 1..=number of entries (400).
pub const PART_INVALID_WINNER_COUNT: &str = "PART_005";
/// Name missing or shorter than 2 characters (400).
pub const PART_INVALID_NAME: &str = "PART_006";
/// Phone number not 10–11 digits after removing hyphens and spaces (400).
pub const PART_INVALID_PHONE: &str = "PART_007";
/// Consent to the collection of personal data is required (400).
pub const PART_PRIVACY_REQUIRED: &str = "PART_008";
/// Email given but malformed (400).
pub const PART_INVALID_EMAIL: &str = "PART_009";
/// Entry channel not one of the six codes (400).
pub const PART_INVALID_CHANNEL: &str = "PART_010";
/// A list filter or paging value is invalid (400).
pub const PART_INVALID_QUERY: &str = "PART_011";
/// No winners drawn yet for this event (404).
pub const PART_NOT_DRAWN: &str = "PART_012";
/// The draw waits until the event has ended (409).
pub const PART_NOT_ENDED: &str = "PART_013";
/// The coupon was redeemed already; the message says when (409).
pub const PART_COUPON_REDEEMED: &str = "PART_014";
/// The coupon's claim deadline has passed, or its prize passed to a reserve (409).
pub const PART_COUPON_EXPIRED: &str = "PART_015";
/// No prize is unclaimed past its deadline yet, so none can pass to a reserve (409).
pub const PART_NOTHING_TO_PASS: &str = "PART_016";
/// No such coupon (404): says nothing of codes of other owners' events.
pub const PART_COUPON_NOT_FOUND: &str = "PART_017";
/// A notice channel other than SMS or ALIMTALK (400).
pub const PART_INVALID_NOTICE_CHANNEL: &str = "PART_018";
/// The event takes entries without phone verification; no code is sent (409).
pub const PART_VERIFICATION_NOT_USED: &str = "PART_019";
/// A new verification code too soon (30 s) or too often (5 an hour per phone) (429, Retry-After).
pub const PART_CODE_TOO_SOON: &str = "PART_020";
/// The event verifies phones and the entry carries no 6-digit code (400).
pub const PART_CODE_REQUIRED: &str = "PART_021";
/// The code does not match; the message says how many tries are left (400).
pub const PART_CODE_WRONG: &str = "PART_022";
/// No usable code: never sent, expired, used already or out of tries; ask for a new one (400).
pub const PART_CODE_SPENT: &str = "PART_023";
/// The SMS provider did not take the code; nothing was kept, try again (503, Retry-After).
pub const PART_CODE_NOT_SENT: &str = "PART_024";
/// No such event known to the participation service (404).
pub const PART_NOT_FOUND: &str = "PART_404";
