// Rendering helpers, Korean labels and the form error display shared by the screens.
import { josa, STATUS_WORDS } from './words.js';

export { josa, particle, duration, plain } from './words.js';

/** Escapes text for HTML. Every value from the API goes through it. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function main() { return document.getElementById('main'); }

/** Replaces the main area and moves focus there for screen readers. */
export function render(html, title) {
  const m = main();
  m.innerHTML = html;
  document.title = (title ? title + ' - ' : '') + 'KT AI 이벤트 마케팅';
  m.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return m;
}

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
}

export const STATUS = STATUS_WORDS;
export const OBJECTIVES = [
  { value: '신규 고객 유치', desc: '처음 오는 손님을 매장으로 불러옵니다.', effect: '예상 효과: 신규 방문 20~30% 증가' },
  { value: '재방문 유도', desc: '한 번 온 손님이 다시 오도록 혜택을 드립니다.', effect: '예상 효과: 재방문율 15% 향상' },
  { value: '매출 증대', desc: '객단가와 주문 수를 함께 끌어올립니다.', effect: '예상 효과: 기간 매출 10~20% 증가' },
  { value: '인지도 향상', desc: '동네에 매장 이름을 널리 알립니다.', effect: '예상 효과: 노출 수 3배, SNS 언급 증가' },
];
export const CHANNELS = {
  URIDONGNETV: '우리동네TV', RINGOBIZ: '링고비즈', GINITV: '지니TV',
  INSTAGRAM: '인스타그램', NAVER: '네이버 블로그', KAKAO: '카카오톡 채널',
};
export const STYLES = { SIMPLE: '심플', FANCY: '화려한', TRENDY: '트렌디' };
export const PLATFORMS = { INSTAGRAM: '인스타그램', NAVER: '네이버 블로그', KAKAO: '카카오톡 채널' };
/** The Korean name of a channel code; never the code itself. */
export const channelName = (code) => CHANNELS[code] || '기타 경로';

export function badge(status) {
  return `<span class="badge ${esc(status)}">${esc(STATUS[status] || '')}</span>`;
}

// Won amounts are formatted in money.js (one home for money on screen).
export { won } from './money.js';
export const num = (n) => (Number(n) || 0).toLocaleString('ko-KR');
export const day = (s) => (s ? String(s).slice(0, 10) : '-');
/** `14:05:09` now, in the phone's time, for "마지막 업데이트". */
export const clock = (d = new Date()) => d.toLocaleTimeString('ko-KR', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export function when(s) {
  if (!s) return '-';
  const d = new Date(s);
  return isNaN(d) ? esc(s) : d.toLocaleString('ko-KR', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Clears the error of one field (or group) once the owner has fixed it. */
export function clearError(form, name) {
  const slot = form.querySelector('#' + CSS.escape(name) + '-error');
  if (slot) slot.textContent = '';
  const input = form.elements[name];
  if (input && input.removeAttribute) input.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

/** Clears the error texts and invalid marks of a form. */
export function clearErrors(form) {
  $$('.error', form).forEach((e) => { e.textContent = ''; });
  $$('[aria-invalid]', form).forEach((e) => e.removeAttribute('aria-invalid'));
}

/** Shows `message` under the field named `name` (or the form's own error line). */
export function fieldError(form, name, message) {
  const input = name && form.elements[name];
  const slot = (name && form.querySelector('#' + CSS.escape(name) + '-error')) || form.querySelector('.form-error');
  if (input && input.setAttribute) input.setAttribute('aria-invalid', 'true');
  if (slot) slot.textContent = message;
  if (input && input.focus && !form.dataset.focused) { input.focus(); form.dataset.focused = '1'; }
}

/**
 * Runs the browser-side checks: `rules` maps a field name to a function that
 * answers an error message or ''. Answers true when every field passes.
 */
export function validate(form, rules) {
  clearErrors(form);
  delete form.dataset.focused;
  let ok = true;
  for (const [name, rule] of Object.entries(rules)) {
    const el = form.elements[name];
    const value = el && el.type === 'checkbox' ? el.checked : (el ? el.value.trim() : '');
    const message = rule(value, form);
    if (message) { fieldError(form, name, message); ok = false; }
  }
  return ok;
}

/** Shows an API error next to the field its code concerns (`fields` maps code → field). */
export function showApiError(form, err, fields = {}) {
  delete form.dataset.focused;
  let field = fields[err.code];
  if (typeof field === 'function') field = field(err);
  fieldError(form, field, err.message);
}

export const PASSWORD_RULE = (v) => (v.length >= 8 && /[A-Za-z]/.test(v) && /\d/.test(v) && /[^A-Za-z0-9]/.test(v)
  ? '' : '비밀번호는 8자 이상이며 영문, 숫자, 특수문자를 모두 포함해야 합니다');
export const EMAIL_RULE = (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? '' : '올바른 이메일 주소를 입력해 주세요');
export const PHONE_RULE = (v) => (/^0\d{9,10}$/.test(v.replace(/[-\s]/g, '')) ? '' : '휴대폰 번호는 숫자 10~11자리로 입력해 주세요');
export const required = (label) => (v) => (v ? '' : `${josa(label, '을/를')} 입력해 주세요`);

/** A form field: label, input and its error line. */
export function field(name, label, { type = 'text', value = '', attrs = '', hint = '' } = {}) {
  const describedBy = `${name}-error${hint ? ' ' + name + '-hint' : ''}`;
  const input = type === 'textarea'
    ? `<textarea id="${name}" name="${name}" aria-describedby="${describedBy}" ${attrs}>${esc(value)}</textarea>`
    : `<input id="${name}" name="${name}" type="${type}" value="${esc(value)}" aria-describedby="${describedBy}" ${attrs}>`;
  return `<div class="field"><label for="${name}">${esc(label)}</label>${input}`
    + (hint ? `<p class="hint" id="${name}-hint">${esc(hint)}</p>` : '')
    + `<p class="error" id="${name}-error" aria-live="polite"></p></div>`;
}

/**
 * Keeps an open screen current: runs `refresh()` every `ms` while the tab is
 * visible and the screen is still the one shown (same hash), pauses while the
 * tab is hidden and refreshes at once when it comes back. `stamp` shows
 * "마지막 업데이트 HH:MM:SS" after each good refresh.
 */
export function live(refresh, { ms = 5000, stamp } = {}) {
  const hash = location.hash;
  let timer = 0;
  let stopped = false;
  const mark = () => { if (stamp && stamp.isConnected) stamp.textContent = `마지막 업데이트 ${clock()}`; };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('hashchange', stop);
  };
  const tick = async () => {
    if (stopped) return;
    if (location.hash !== hash || (stamp && !stamp.isConnected)) { stop(); return; }
    if (document.hidden) return; // resumed by visibilitychange
    try { await refresh(); mark(); } catch (e) { /* the next tick tries again */ }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  function onVisible() {
    clearTimeout(timer);
    if (!document.hidden) tick();
  }
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('hashchange', stop);
  mark();
  timer = setTimeout(tick, ms);
  return { stop };
}
