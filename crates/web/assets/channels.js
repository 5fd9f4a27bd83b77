// Wizard step 5: the six channels, each with its settings, its expected
// reach and its cost. Both come from the API (POST /api/events/{id}/cost:
// the one cost model the review screen and the dashboard also use, and the
// one reach table the publish result also uses).
import { post, put } from './api.js';
import { esc, num, CHANNELS, showApiError, fieldError } from './ui.js';
import { amount, won, readWon } from './money.js';

const SLOTS = { morning: '아침', lunch: '점심', afternoon: '오후', evening: '저녁', night: '밤' };

const DESC = {
  URIDONGNETV: '동네 TV에 광고를 내보냅니다', RINGOBIZ: '매장 전화 연결음을 이벤트 안내로 바꿉니다',
  GINITV: 'IPTV 광고를 등록합니다', INSTAGRAM: '이미지와 문구를 게시합니다', NAVER: '블로그 글을 작성합니다', KAKAO: '채널 메시지를 보냅니다',
};

function settingsHtml(code, s) {
  const opt = (map, v) => Object.entries(map).map(([k, l]) => `<option value="${k}" ${k === v ? 'selected' : ''}>${esc(l)}</option>`).join('');
  const err = (f) => `<p class="error" id="${code}-${f}-error" aria-live="polite"></p>`;
  switch (code) {
    case 'URIDONGNETV': return `<div class="grid two"><div class="field"><label for="${code}-radius">반경</label><select id="${code}-radius" name="${code}-radius">${opt({ '500m': '500m', '1km': '1km', '2km': '2km' }, s.radius || '1km')}</select>${err('radius')}</div>
      <div class="field"><label for="${code}-timeSlot">시간대</label><select id="${code}-timeSlot" name="${code}-timeSlot">${opt(SLOTS, s.timeSlot || 'evening')}</select>${err('timeSlot')}</div></div>`;
    case 'RINGOBIZ': return `<div class="field"><label for="${code}-phoneNumber">매장 전화번호</label><input id="${code}-phoneNumber" name="${code}-phoneNumber" type="tel" inputmode="numeric" value="${esc(s.phoneNumber || '')}" placeholder="0212345678" aria-describedby="${code}-phoneNumber-error">${err('phoneNumber')}</div>`;
    case 'GINITV': return `<div class="grid two"><div class="field"><label for="${code}-region">광고 지역</label><input id="${code}-region" name="${code}-region" value="${esc(s.region || '')}" placeholder="서울 강남구" aria-describedby="${code}-region-error">${err('region')}</div>
      <div class="field"><label for="${code}-budget">예산</label><input id="${code}-budget" name="${code}-budget" type="text" inputmode="numeric" autocomplete="off" value="${esc(won(s.budget || 300000))}" aria-describedby="${code}-budget-error">${err('budget')}</div></div>`;
    default: return '<p class="muted small">추가 설정이 필요 없습니다.</p>';
  }
}

function read(form, code) {
  const v = (f) => (form.elements[`${code}-${f}`] ? form.elements[`${code}-${f}`].value.trim() : '');
  switch (code) {
    case 'URIDONGNETV': return { radius: v('radius'), timeSlot: v('timeSlot') };
    case 'RINGOBIZ': return { phoneNumber: v('phoneNumber').replace(/[-\s]/g, '') };
    case 'GINITV': return { region: v('region'), budget: readWon(v('budget')) };
    default: return null;
  }
}

function check(code, s) {
  if (code === 'RINGOBIZ' && !/^\d{9,11}$/.test(s.phoneNumber)) return ['phoneNumber', '매장 전화번호는 숫자 9~11자리로 입력해 주세요'];
  if (code === 'GINITV' && !s.region) return ['region', '광고 지역을 입력해 주세요'];
  if (code === 'GINITV' && !(Number.isInteger(s.budget) && s.budget >= 50000 && s.budget <= 50000000)) return ['budget', '예산은 50,000원 이상 50,000,000원 이하로 입력해 주세요'];
  return null;
}

function collect(ctx) {
  const { form, state } = ctx;
  state.channels = Object.keys(CHANNELS).filter((c) => form.elements[`ch-${c}`] && form.elements[`ch-${c}`].checked);
  state.settings = {};
  for (const c of state.channels) { const s = read(form, c); if (s) state.settings[c] = s; }
}

/** Asks the API what every channel would cost with the settings on screen. */
async function quote(ctx) {
  const all = Object.keys(CHANNELS);
  const channelSettings = {};
  for (const c of all) { const s = read(ctx.form, c); if (s) channelSettings[c] = s; }
  return post(`/api/events/${encodeURIComponent(ctx.state.eventId)}/cost`, { channels: all, channelSettings });
}

let pending = 0;

async function totals(ctx) {
  collect(ctx);
  const ask = ++pending;
  let cost;
  try { cost = await quote(ctx); } catch { cost = null; }
  if (ask !== pending || !ctx.form.isConnected) return; // a newer change is on its way
  const items = (cost && cost.items) || [];
  const price = (c) => items.find((i) => i.kind === c);
  let people = 0; let sum = 0;
  for (const c of Object.keys(CHANNELS)) {
    const r = cost && cost.reach ? cost.reach[c] : null;
    const item = price(c);
    const el = ctx.form.querySelector(`#est-${c}`);
    if (el) el.textContent = `예상 노출 ${r == null ? '확인 중' : `${num(r)}명`} · 비용 ${item ? amount(item.amount) : '확인 중'}`;
    if (ctx.state.channels.includes(c)) { people += r || 0; sum += item ? item.amount : 0; }
  }
  const prize = price('PRIZE');
  if (prize) sum += prize.amount;
  ctx.form.querySelector('#totals').textContent = cost
    ? `선택 ${ctx.state.channels.length}개 · 예상 노출 ${num(people)}명 · 예상 비용 ${won(sum)}${prize ? ` (${prize.label} ${won(prize.amount)} 포함)` : ''}`
    : `선택 ${ctx.state.channels.length}개`;
}

export const channelsStep = {
  name: '배포 채널 선택', short: '채널',
  async show(ctx) {
    const { state, body } = ctx;
    const chosen = new Set(state.channels || []);
    const saved = state.settings || {};
    body.innerHTML = `<p class="muted">이벤트를 알릴 채널을 하나 이상 고르세요.</p>
      ${Object.entries(CHANNELS).map(([c, name]) => `<div class="channel">
        <div class="field check"><input type="checkbox" id="ch-${c}" name="ch-${c}" ${chosen.has(c) ? 'checked' : ''} aria-describedby="est-${c}">
        <label for="ch-${c}"><strong>${esc(name)}</strong> <span class="muted small">${esc(DESC[c])}</span></label></div>
        <p class="estimate" id="est-${c}"></p>
        <div class="settings" id="settings-${c}" ${chosen.has(c) ? '' : 'hidden'}>${settingsHtml(c, saved[c] || {})}</div></div>`).join('')}
      <p class="error" id="channels-error" aria-live="polite"></p>
      <p class="card" id="totals" aria-live="polite"></p>`;
    body.addEventListener('change', (e) => {
      // The budget reads as money (300,000원) once the owner leaves the box.
      if (e.target.id === 'GINITV-budget' && readWon(e.target.value)) e.target.value = won(readWon(e.target.value));
      const m = e.target.id.match(/^ch-(.+)$/);
      if (m) body.querySelector(`#settings-${m[1]}`).hidden = !e.target.checked;
      totals(ctx);
    });
    // One quote per pause in typing, not per keystroke.
    let timer;
    body.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => totals(ctx), 250); });
    totals(ctx);
  },
  keep: (ctx) => collect(ctx),
  async submit(ctx) {
    const { form, state } = ctx;
    collect(ctx);
    form.querySelectorAll('.error').forEach((e) => { e.textContent = ''; });
    if (!state.channels.length) { fieldError(form, 'channels', '배포 채널을 1개 이상 선택해 주세요'); return false; }
    let ok = true;
    for (const c of state.channels) {
      const bad = check(c, state.settings[c] || {});
      if (bad) { fieldError(form, `${c}-${bad[0]}`, bad[1]); ok = false; }
    }
    if (!ok) return false;
    try {
      await put(`/api/events/${encodeURIComponent(state.eventId)}/channels`, { channels: state.channels, channelSettings: state.settings });
      return true;
    } catch (err) {
      // The API names the channel in its message; show it under that channel.
      const c = state.channels.find((x) => err.message.includes(x) || err.message.includes(CHANNELS[x]));
      showApiError(form, err, { EVENT_006: 'channels', EVENT_007: () => (c ? null : 'channels') });
      if (c) form.querySelector(`#settings-${c}`).insertAdjacentHTML('beforeend', `<p class="error" role="alert">${esc(err.message)}</p>`);
      return false;
    }
  },
};
