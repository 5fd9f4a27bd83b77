// Korean an owner reads: particles chosen by the last syllable, durations in
// words, and the API's codes (statuses, seconds) turned into plain Korean.

/** Whether the last Hangul syllable of `word` ends in a consonant (받침); digits read aloud. */
function hasFinal(word) {
  const s = String(word ?? '').trim().replace(/[\s)\]"'’”.,!?]+$/, '');
  const last = s.charCodeAt(s.length - 1);
  if (last >= 0xac00 && last <= 0xd7a3) return (last - 0xac00) % 28 !== 0;
  // 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 end in a consonant; English letters by their usual reading.
  const ch = s.slice(-1);
  if (/\d/.test(ch)) return '013678'.includes(ch);
  return /[lmnrLMNR]/.test(ch);
}

/** The particle of `pair` ('을/를', '이/가', '은/는', '과/와', '으로/로') that fits `word`, appended. */
export function josa(word, pair) {
  const [withFinal, without] = pair.split('/');
  const w = String(word ?? '');
  if (withFinal === '으로') {
    // ㄹ받침 takes 로 (서울로), like a word without one.
    const last = w.trim().charCodeAt(w.trim().length - 1);
    const rieul = last >= 0xac00 && last <= 0xd7a3 && (last - 0xac00) % 28 === 8;
    return w + (hasFinal(w) && !rieul ? '으로' : '로');
  }
  return w + (hasFinal(w) ? withFinal : without);
}

/** Only the particle (for markup between word and particle). */
export const particle = (word, pair) => josa(word, pair).slice(String(word ?? '').length);

/** `5분`, `1시간 30분`, `45초` of a number of seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return `${s}초`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  if (!h) return `${m}분`;
  return m ? `${h}시간 ${m}분` : `${h}시간`;
}

/** The event statuses in the owner's words. */
export const STATUS_WORDS = { DRAFT: '작성중', APPROVED: '게시 대기', ACTIVE: '진행중', ENDED: '종료' };

/** The server's status names (contracts::status::EventStatus::label), back to the refusal they stand for. */
const STATUS_OF_LABEL = {
  '작성 중': '현재 상태(DRAFT)에서는 할 수 없는 작업입니다',
  '게시 준비 중': '현재 상태(APPROVED)에서는 할 수 없는 작업입니다',
  '게시 중': '현재 상태(ACTIVE)에서는 할 수 없는 작업입니다',
  '종료됨': '현재 상태(ENDED)에서는 할 수 없는 작업입니다',
};

/**
 * An API message as the owner should read it: no status codes in brackets,
 * seconds of a minute or more said in minutes, `을(를)`-style particles resolved.
 */
export function plain(message) {
  return String(message ?? '')
    .replace(/현재 상태\((작성 중|게시 준비 중|게시 중|종료됨)\)에서는 할 수 없는 작업입니다/g,
      (_, w) => STATUS_OF_LABEL[w])
    .replace(/현재 상태\((DRAFT|APPROVED|ACTIVE|ENDED)\)에서는 할 수 없는 작업입니다/g,
      (_, s) => (s === 'DRAFT' ? '아직 작성중인 이벤트라 할 수 없는 작업입니다'
        : `이미 ${s === 'APPROVED' ? '게시를 시작한' : s === 'ACTIVE' ? '게시된' : '종료된'} 이벤트라 바꿀 수 없습니다`))
    .replace(/\s*\((DRAFT|APPROVED|ACTIVE|ENDED)\)/g, (_, s) => ` (${STATUS_WORDS[s]})`)
    .replace(/(\d+)초/g, (all, n) => (Number(n) >= 60 ? duration(n) : all))
    .replace(/([가-힣A-Za-z0-9]+)(을\(를\)|를\(을\))/g, (_, w) => josa(w, '을/를'))
    .replace(/([가-힣A-Za-z0-9]+)(이\(가\)|가\(이\))/g, (_, w) => josa(w, '이/가'));
}
