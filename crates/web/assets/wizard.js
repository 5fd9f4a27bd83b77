// The creation wizard's frame: six steps with a progress bar, back/next,
// and what was entered kept in sessionStorage so back and reload lose nothing.
import { get, ownerId } from './api.js';
import { render, esc, clearError, particle } from './ui.js';
import { STEPS } from './steps.js';

const KEY = 'kem.wizard';

/** The wizard's saved state. */
export function load() {
  let state = {};
  try { state = JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch (e) { state = {}; }
  // Another owner signed in on this tab: the last one's draft is not theirs.
  if (state.owner !== ownerId()) { reset(); return {}; }
  return state;
}
export function save(state) { sessionStorage.setItem(KEY, JSON.stringify({ ...state, owner: ownerId() })); }
export function reset() { sessionStorage.removeItem(KEY); }

/** Rebuilds the state from a saved draft, and the first step it still needs (0: not a draft). */
async function resume(id) {
  const e = await get('/api/events/' + encodeURIComponent(id));
  if (e.status !== 'DRAFT' && e.status !== 'APPROVED') return 0;
  reset();
  const rec = e.recommendation || null;
  const state = {
    eventId: e.eventId, objective: e.objective,
    option: rec && (rec.optionNumber || rec.option_number) || null,
    startDate: e.startDate || '', endDate: e.endDate || '',
    title: (e.content && e.content.title) || e.title || '', prize: (e.content && e.content.prizeText) || e.prize || '',
    caption: (e.content && e.content.caption) || '', imageId: e.content && e.content.imageId,
    imageUrl: e.content && e.content.imageUrl,
    channels: e.channels || [], settings: e.channelSettings || {},
  };
  save(state);
  if (e.status === 'APPROVED') return 6;
  if (!state.option) return 2;
  if (!state.imageId) return 3;
  if (!state.channels.length) return 5;
  return 6;
}

/** What the owner sees when the wizard's event can no longer be edited: where to go instead. */
function notEditable(e) {
  reset();
  const enc = encodeURIComponent(e.eventId);
  const title = (e.content && e.content.title) || e.title || '이 이벤트';
  render(`<section class="card message" id="wizard-done"><h1>이미 게시한 이벤트예요</h1>
    <p>‘${esc(title)}’${particle(title, '은/는')} 게시되어 더 고칠 수 없어요. 결과는 이벤트 상세에서 볼 수 있어요.</p>
    <div class="actions"><a class="button" href="#/events/${enc}">이벤트 상세 보기</a><a class="button primary" href="#/new">새 이벤트 만들기</a></div></section>`, '이미 게시한 이벤트');
}

export async function wizardScreen(step, query) {
  if (query && query.get('resume')) {
    const id = query.get('resume');
    const next = await resume(id);
    location.replace(next ? '#/new/' + next : '#/events/' + encodeURIComponent(id));
    return;
  }
  // 만들기 (no step named) always starts a new event: nothing of the last one carries over.
  if (!step || (query && query.has('fresh'))) {
    reset();
    if (!step) { location.replace('#/new/1'); return; }
  }
  const state = load();
  // A step past what exists goes back to the start (e.g. back from a publish result).
  if (step > 1 && !state.eventId) { location.replace('#/new/1'); return; }
  if (step > 1) {
    // Only a draft can be edited; a published one is never a dead end.
    const e = await get('/api/events/' + encodeURIComponent(state.eventId)).catch((err) => {
      if (err.status === 404 || err.status === 403) return null;
      throw err;
    });
    if (!e) { reset(); location.replace('#/new/1'); return; }
    if (e.status === 'APPROVED' && step !== 6) { location.replace('#/new/6'); return; }
    if (e.status !== 'DRAFT' && e.status !== 'APPROVED') { notEditable(e); return; }
  }
  step = Math.min(step || 1, STEPS.length);
  const def = STEPS[step - 1] || STEPS[0];
  const pct = Math.round((step / STEPS.length) * 100);
  const m = render(`<h1>새 이벤트 만들기</h1>
    <div class="progress" aria-label="진행 단계">
      <div class="progress-bar" role="progressbar" aria-valuemin="1" aria-valuemax="${STEPS.length}" aria-valuenow="${step}" aria-valuetext="${STEPS.length}단계 중 ${step}단계: ${esc(def.name)}"><span></span></div>
      <ol>${STEPS.map((s, i) => `<li ${i + 1 === step ? 'aria-current="step"' : ''}>${i + 1}. ${esc(s.short)}</li>`).join('')}</ol>
    </div>
    <form id="step" class="card" novalidate aria-labelledby="step-title">
      <h2 id="step-title">${step}. ${esc(def.name)}</h2>
      <div id="step-body"></div>
      <p class="error form-error" role="alert"></p>
      <div class="actions">
        ${step > 1 ? '<button type="button" id="back">이전</button>' : ''}
        <button class="primary" type="submit" id="next">${step === STEPS.length ? '게시하기' : '다음'}</button>
      </div>
    </form>`, `이벤트 만들기 ${step}단계`);
  // Through the CSSOM: the CSP refuses style attributes in markup.
  m.querySelector('.progress-bar span').style.width = `${pct}%`;
  const form = m.querySelector('#step');
  const ctx = {
    form, state, body: m.querySelector('#step-body'), next: m.querySelector('#next'),
    save: () => save(state),
    go: (n) => { save(state); location.hash = '#/new/' + n; },
  };
  const back = m.querySelector('#back');
  if (back) back.addEventListener('click', () => { if (def.keep) def.keep(ctx); ctx.go(step - 1); });
  // A choice made or a field changed takes its "선택해 주세요" away at once.
  const settle = (e) => {
    const t = e.target;
    if (t.closest && t.closest('.choice')) ['objective', 'option', 'imageId'].forEach((n) => clearError(form, n));
    const ch = t.name && /^ch-/.test(t.name);
    if (ch && t.checked) clearError(form, 'channels');
    else if (t.name) clearError(form, t.name);
  };
  form.addEventListener('click', (e) => { if (e.target.closest && e.target.closest('.choice')) settle(e); });
  form.addEventListener('change', settle);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (ctx.next.disabled) return;
    ctx.next.disabled = true;
    try {
      const ok = await def.submit(ctx);
      // Published: the wizard forgets the event, so 만들기 or back starts clean.
      if (state.published) reset(); else save(state);
      if (ok && step < STEPS.length) ctx.go(step + 1);
    } finally { ctx.next.disabled = false; }
  });
  await def.show(ctx);
}
