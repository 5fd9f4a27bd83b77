// Bot signals on entries (docs/design.md §6.5) in the owner's words: a badge
// per flagged entry, the event's counts, and the draw's option to leave them out.
import { esc, num } from './ui.js';

/** The one map from signal codes to words (the server's CSV uses the same). */
export const SIGNALS = { HONEYPOT: '숨은 칸 입력', TOO_FAST: '빠른 입력', NO_FILL_TIME: '입력 시간 없음' };

/** Small badges for one entry's signals ('' when it has none). */
export const signalBadges = (p) => (p.signals || [])
  .map((s) => ` <span class="badge FAILED signal">${esc(SIGNALS[s] || '의심 응모')}</span>`).join('');

/** `의심 응모 3건: 빠른 입력 2건 · 입력 시간 없음 1건`, or nothing when none. */
export function signalSummary(page) {
  const n = page.flaggedCount || 0;
  if (!n) return '';
  const c = page.signalCounts || {};
  const parts = Object.keys(SIGNALS).filter((k) => c[k]).map((k) => `${SIGNALS[k]} ${num(c[k])}건`).join(' · ');
  return `<p class="small signal-summary" id="signal-summary"><strong>의심 응모 ${num(n)}건</strong> (${parts})<br>
    <span class="muted">자동 프로그램으로 보이는 응모예요. 응모는 받아 두었고, 추첨할 때 뺄 수 있어요.</span></p>`;
}

/** The draw form's checkbox with the event's flagged count; none when nothing is flagged. */
export const excludeField = (n) => (n ? `<div class="field check"><input id="excludeFlagged" name="excludeFlagged" type="checkbox">
  <label for="excludeFlagged">의심 응모 제외하고 추첨 (${num(n)}건)</label></div>` : '');

/** The certificate's words for what the draw left out. */
export const excludedLine = (log) => (log.excludeFlagged ? ` · 의심 응모 ${num(log.excludedCount)}건 제외` : '');
