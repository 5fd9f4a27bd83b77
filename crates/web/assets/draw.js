// The 추첨 tab: the draw after the end, its certificate and proof, what was
// erased, and the prizes after it (notices, contacts, reserves taking over).
import { get, post } from './api.js';
import { esc, num, when, validate, showApiError, toast } from './ui.js';
import { SEOUL, kday, kdate, short } from './dates.js';
import { excludeField, excludedLine } from './signals.js';

// The API names a few fields in its messages; the owner reads Korean only.
const plain = (msg) => String(msg || '').replace(/\s*\(claimDays\)/g, '').replace(/winnerCount/g, '당첨자 수')
  .replace(/reserveCount/g, '예비 당첨자 수').replace(/claimDays/g, '수령 기한');

const COUPON = { USABLE: '쿠폰 사용 전', REDEEMED: '경품 수령 완료', EXPIRED: '수령 기한 지남', PASSED: '예비 당첨자에게 넘어감' };
const COUPON_BADGE = { USABLE: 'UPCOMING', REDEEMED: 'OPEN', EXPIRED: 'FAILED', PASSED: 'ENDED' };
const NOTICE = { PENDING: '안내 보내는 중', SENT: '안내 보냄', DELIVERED: '안내 도착', FAILED: '안내 실패' };
const NOTICE_BADGE = { PENDING: 'PENDING', SENT: 'PENDING', DELIVERED: 'OPEN', FAILED: 'FAILED' };

/** A winner or reserve: name, masked phone, their coupon and notice in words. */
function person(x, label) {
  const coupon = x.couponStatus
    ? `<span class="badge ${COUPON_BADGE[x.couponStatus] || ''}">${esc(COUPON[x.couponStatus] || '쿠폰 확인 필요')}${x.couponStatus === 'REDEEMED' && x.redeemedAt ? ' · ' + short(x.redeemedAt) : ''}</span>`
    : (label ? '<span class="badge">대기 중 (쿠폰 없음)</span>' : '');
  const notice = x.couponStatus
    ? `<span class="badge ${NOTICE_BADGE[x.noticeStatus] || ''}">${esc(NOTICE[x.noticeStatus] || '안내 전')}</span>` : '';
  const claim = x.couponCode && x.couponStatus === 'USABLE'
    ? ` · <a href="/c/${encodeURIComponent(x.couponCode)}" target="_blank" rel="noopener">쿠폰 화면</a>` : '';
  return `<li>${label ? label + ' · ' : ''}<strong>${esc(x.name)}</strong> ${esc(x.phoneNumber || '')} <span class="muted small">응모 ${esc(x.entryNumber)}번${claim}</span>
    <span class="states">${coupon}${notice}</span></li>`;
}

function certificate(w, enc) {
  const log = w.drawLog || {};
  const er = w.erasure || {};
  const reserves = w.reserves || [];
  const winnersGone = er.winnersErasedAt
    ? `당첨자·예비 당첨자 정보는 ${kdate(er.winnersErasedAt)}에 삭제했습니다.`
    : `당첨자·예비 당첨자 정보는 ${kdate(er.winnersEraseDueAt)}에 삭제됩니다.`;
  return `<div id="certificate"><h3>당첨자</h3><ol class="list winner-list" id="winners">${(w.winners || []).map((x) => person(x, '')).join('')}</ol>
    <h3>예비 당첨자</h3>${reserves.length ? `<ol class="list winner-list" id="reserves">${reserves.map((x, i) => person(x, `예비 ${i + 1}순위`)).join('')}</ol>` : '<p class="muted" id="reserves">예비 당첨자 없이 추첨했습니다.</p>'}
    <dl class="facts"><div><dt>수령 기한</dt><dd id="claim-deadline">${log.claimDeadline ? `${kdate(log.claimDeadline)}까지` : '-'}</dd></div>
      <div><dt>추첨</dt><dd id="draw-facts">${when(log.drawnAt)} · 응모 ${num(log.entryCount)}명${excludedLine(log)}${log.applyStoreVisitBonus ? ' · 매장 방문 가산점 적용' : ''}</dd></div></dl>
    ${prizeActions(w)}
    <div class="fair card"><p>응모 마감 때 봉인해 둔 난수로 추첨했어요. 증명서로 누구나 같은 결과가 나오는지 확인할 수 있습니다.</p>
      <a class="button" id="proof-link" href="/api/events/${enc}/draw-proof" download="draw-proof-${enc}.json">추첨 증명서 내려받기</a></div>
    <h3 id="erasure-title">개인정보 삭제</h3><ul class="small" id="erasure">
      <li>추첨 직후 미당첨자 ${num(er.entrantsErasedCount)}명의 이름·연락처를 삭제했습니다 (${kdate(er.entrantsErasedAt || log.drawnAt)}).</li>
      <li>${winnersGone}</li></ul></div>`;
}

// After the draw: notices, contacts, the counter and reserves taking over.
function prizeActions(w) {
  const late = [...(w.winners || []), ...(w.reserves || [])].some((x) => x.couponStatus === 'EXPIRED')
    && (w.reserves || []).some((x) => !x.couponStatus);
  return `<div class="actions prize-actions" id="prize-actions">
      <button type="button" class="primary" id="notify-open">당첨 안내 보내기</button>
      <button type="button" id="contacts-open">연락처 보기</button></div>
    <div class="actions mt-8"><a class="button" href="#/coupons" id="coupons-link">쿠폰 사용 처리</a>
      ${late ? '<button type="button" id="replace">예비 당첨자에게 넘기기</button>' : ''}</div>
    <div id="prize-panel" aria-live="polite"></div>
    <dialog id="notify-dialog" aria-labelledby="notify-title"><form method="dialog"><h3 id="notify-title">당첨 안내 보내기</h3>
      <p class="small">당첨자에게 경품, 매장 이름, 쿠폰 링크를 담은 안내를 보내요. 이미 안내를 받은 분께는 다시 보내지 않아요.</p>
      <fieldset><legend>보내는 방법</legend>
        <div class="field check"><input type="radio" name="channel" id="ch-sms" value="SMS" checked><label for="ch-sms">문자 (SMS)</label></div>
        <div class="field check"><input type="radio" name="channel" id="ch-alimtalk" value="ALIMTALK"><label for="ch-alimtalk">카카오 알림톡</label></div></fieldset>
      <p class="notice card small" id="quiet-note" hidden>지금은 밤 9시부터 아침 8시 사이라서 안내는 아침 8시에 보내져요. 바로 보내려면 ‘지금 보내기’를 누르세요.</p>
      <div class="actions"><button value="cancel">취소</button><button value="later" id="notify-later" hidden>아침 8시에</button><button class="primary" value="now" id="notify-now">지금 보내기</button></div></form></dialog>`;
}

/** Korea's hour now: notices wait between 21:00 and 08:00. */
const quietNow = () => { const h = Number(new Date().toLocaleString('en-US', { ...SEOUL, hour: 'numeric', hourCycle: 'h23' })); return h >= 21 || h < 8; };
const count = (v) => (Array.isArray(v) ? v.length : Number(v) || 0);
const CHANNEL_WORDS = { SMS: '문자', ALIMTALK: '카카오 알림톡' };

function panelMessage(box, ok, html) {
  box.querySelector('#prize-panel').innerHTML = `<div class="result ${ok ? 'ok' : 'bad'}" role="${ok ? 'status' : 'alert'}">${html}</div>`;
}

/** Re-reads the winners and redraws the two lists (the panel stays). */
async function refreshLists(box, enc) {
  const w = await get(`/api/events/${enc}/winners`);
  const win = box.querySelector('#winners');
  const res = box.querySelector('ol#reserves');
  if (win) win.innerHTML = (w.winners || []).map((x) => person(x, '')).join('');
  if (res) res.innerHTML = (w.reserves || []).map((x, i) => person(x, `예비 ${i + 1}순위`)).join('');
  return w;
}

function wirePrizes(box, e, w) {
  const enc = encodeURIComponent(e.eventId);
  const dialog = box.querySelector('#notify-dialog');
  const names = new Map([...(w.winners || []), ...(w.reserves || [])].map((x) => [x.participantId, x.name]));
  box.querySelector('#notify-open').addEventListener('click', () => {
    const quiet = quietNow();
    box.querySelector('#quiet-note').hidden = !quiet;
    box.querySelector('#notify-later').hidden = !quiet;
    box.querySelector('#notify-later').classList.toggle('primary', quiet);
    box.querySelector('#notify-now').classList.toggle('primary', !quiet);
    dialog.showModal();
  });
  const send = async (channel, sendNow) => {
    try {
      const r = await post(`/api/events/${enc}/winners/notify`, { channel, sendNow });
      const again = count(r.alreadyNotified);
      const queued = count(r.queued);
      const how = CHANNEL_WORDS[r.channel || channel] || '문자';
      const skipped = again ? ` 이미 안내를 받은 ${again}명에게는 다시 보내지 않아요.` : '';
      if (!queued) {
        panelMessage(box, true, `<p id="notify-result">새로 안내할 당첨자가 없어요. 이미 안내했거나 경품을 받아 간 분, 기한이 지난 분에게는 보내지 않아요.</p>`);
      } else if (r.quietHours && !sendNow) {
        panelMessage(box, true, `<p id="notify-result">밤 9시부터 아침 8시까지는 안내를 보내지 않아요. ${how} 안내 ${queued}건은 <strong>${when(r.notBefore)}</strong>에 보내져요.${skipped}</p>
          <button type="button" id="notify-now-after">지금 보내기</button>`);
        box.querySelector('#notify-now-after').addEventListener('click', () => send(channel, true));
      } else {
        panelMessage(box, true, `<p id="notify-result">${how}로 ${queued}명에게 당첨 안내를 보내고 있어요. 도착하면 목록에 ‘안내 도착’으로 표시돼요.${skipped}</p>`);
      }
      // Follow the notices for a little while: 보내는 중 → 보냄 → 도착 or 실패.
      for (let i = 0; i < 10; i++) {
        await new Promise((ok) => setTimeout(ok, 1500));
        const now = await refreshLists(box, enc);
        if (![...(now.winners || []), ...(now.reserves || [])].some((x) => x.noticeStatus === 'PENDING')) break;
      }
    } catch (err) {
      panelMessage(box, false, `<p id="notify-result">${esc(err.status === 404 ? '안내 보내기를 아직 쓸 수 없어요. 잠시 후 다시 시도해 주세요.' : err.message)}</p>`);
    }
  };
  dialog.addEventListener('close', () => {
    const v = dialog.returnValue;
    if (v !== 'now' && v !== 'later') return;
    send(dialog.querySelector('input[name=channel]:checked').value, v === 'now');
  });

  box.querySelector('#contacts-open').addEventListener('click', () => {
    box.querySelector('#prize-panel').innerHTML = `<div class="card notice" id="contacts-consent">
      <p>당첨자와 예비 당첨자의 <strong>전체 전화번호</strong>를 보여 드려요. 개인정보 보호를 위해 누가 언제 봤는지 기록되며, 경품 안내 외의 용도로 쓰면 안 돼요.</p>
      <div class="actions"><button type="button" class="primary" id="contacts-show">전화번호 보기</button></div></div>`;
    box.querySelector('#contacts-show').addEventListener('click', async () => {
      try {
        const c = await get(`/api/events/${enc}/winners/contacts`);
        let reserve = 0;
        const items = (c.items || []).map((x) => {
          const role = x.drawnAs === 'RESERVE' ? `예비 ${++reserve}순위` : '당첨';
          const digits = String(x.phoneNumber || '').replace(/\D/g, '');
          return `<li><strong>${esc(x.name)}</strong> <span class="badge ${x.drawnAs === 'RESERVE' ? 'UPCOMING' : 'OPEN'}">${role}</span><br>
            <a class="tel" href="tel:${esc(digits)}">${esc(x.phoneNumber)}</a>${x.email ? ` <span class="small muted">${esc(x.email)}</span>` : ''}</li>`;
        }).join('');
        const reads = (c.reads || []).slice(0, 5).map((r) => `${short(r.readAt)}에 ${num(r.shown)}명`).join(', ');
        box.querySelector('#prize-panel').innerHTML = `<section id="contacts" class="card" aria-labelledby="contacts-title"><h3 id="contacts-title">당첨자 연락처</h3>
          ${items ? `<ul class="list">${items}</ul>` : '<p class="muted">보여 드릴 연락처가 없어요. 개인정보 보관 기간이 지나 삭제되었을 수 있어요.</p>'}
          <p class="small muted" id="contact-reads">전화번호를 누르면 바로 전화를 걸 수 있어요. 열람 기록: ${reads || '-'}</p></section>`;
      } catch (err) {
        panelMessage(box, false, `<p>${esc(err.message)}</p>`);
      }
    });
  });

  const replace = box.querySelector('#replace');
  if (replace) replace.addEventListener('click', async () => {
    if (!confirm('수령 기한이 지난 경품을 예비 당첨자에게 순서대로 넘길까요? 기존 당첨자의 쿠폰은 더 이상 쓸 수 없어요.')) return;
    try {
      const passed = await post(`/api/events/${enc}/winners/replace`);
      const w2 = await get(`/api/events/${enc}/winners`);
      box.innerHTML = certificate(w2, enc);
      wirePrizes(box, e, w2);
      panelMessage(box, true, `<p id="replace-result">경품 ${passed.length}개를 예비 당첨자에게 넘겼어요. 새 당첨자에게 당첨 안내를 보내 주세요.</p>
        <ul class="small">${passed.map((p) => `<li>${esc(names.get(p.fromParticipantId) || '당첨자')}님 → <strong>${esc(names.get(p.toParticipantId) || '예비 당첨자')}</strong>님 · ${kdate(p.claimDeadline)}까지</li>`).join('')}</ul>`);
    } catch (err) {
      panelMessage(box, false, `<p id="replace-result">${esc(err.message)}</p>`);
    }
  });
}

/** Draws the 추첨 tab into `box`; `onDrawn` runs after a draw. */
export async function draw(box, e, { endNow, onDrawn = () => {} } = {}) {
  const enc = encodeURIComponent(e.eventId);
  try {
    const w = await get(`/api/events/${enc}/winners`);
    box.innerHTML = certificate(w, enc);
    wirePrizes(box, e, w);
    return;
  } catch (err) { if (err.status !== 404 && err.status !== 409) { box.innerHTML = `<p class="muted">${esc(err.message)}</p>`; return; } }
  if (e.phase !== 'ENDED') {
    box.innerHTML = `<p id="draw-later">추첨은 이벤트가 끝난 뒤에 할 수 있어요. ${e.endDate ? `${kday(e.endDate)}이 지나면 자동으로 종료되고, ` : ''}지금 마감하려면 이벤트를 종료해 주세요.</p>
      ${e.status === 'ACTIVE' ? '<button type="button" class="danger" id="end-now">지금 종료하기</button>' : ''}`;
    const b = box.querySelector('#end-now');
    if (b) b.addEventListener('click', endNow);
    return;
  }
  let info = {};
  let flagged = 0;
  try { info = await get(`/api/events/${enc}/entry-info`); } catch (err) { /* the seal is a nicety here */ }
  try { flagged = (await get(`/api/events/${enc}/participants?size=1`)).flaggedCount || 0; } catch (err) { /* no option then */ }
  box.innerHTML = `<div class="fair card" id="seal"><p>응모를 마감할 때 추첨에 쓸 난수를 봉인해 두었어요. 그래서 누구도 결과를 미리 정하거나 바꿀 수 없습니다.</p>
    ${info.seedCommitment ? '<a class="button" id="seal-link" download="draw-seal.json">봉인 값 내려받기</a>' : ''}</div>
    <p class="muted small">응모 ${num(info.participantCount)}명 중에서 추첨합니다.</p>
    <form id="draw-form" novalidate>
    <div class="field"><label for="winnerCount">당첨자 수</label><input id="winnerCount" name="winnerCount" type="number" inputmode="numeric" min="1" value="1" aria-describedby="winnerCount-error"><p class="error" id="winnerCount-error" aria-live="polite"></p></div>
    <div class="field"><label for="reserveCount">예비 당첨자 수</label><input id="reserveCount" name="reserveCount" type="number" inputmode="numeric" min="0" value="0" aria-describedby="reserveCount-hint reserveCount-error"><p class="hint" id="reserveCount-hint">당첨자가 연락되지 않을 때 순서대로 대신 받는 분들이에요.</p><p class="error" id="reserveCount-error" aria-live="polite"></p></div>
    <div class="field check"><input id="applyStoreVisitBonus" name="applyStoreVisitBonus" type="checkbox" checked><label for="applyStoreVisitBonus">매장 방문 고객 가산점 적용 (당첨 확률 2배)</label></div>${excludeField(flagged)}
    <div class="field"><label for="claimDays">수령 기한 (일)</label><input id="claimDays" name="claimDays" type="number" inputmode="numeric" min="1" max="90" value="14" aria-describedby="claimDays-hint claimDays-error"><p class="hint" id="claimDays-hint">추첨일부터 이 기간 안에 경품을 받아 가셔야 해요.</p><p class="error" id="claimDays-error" aria-live="polite"></p></div>
    <p class="error form-error" role="alert"></p><button class="primary" type="submit">추첨하기</button></form>
    <dialog id="confirm-draw" aria-labelledby="confirm-title"><form method="dialog"><h3 id="confirm-title">추첨을 진행할까요?</h3>
      <p>추첨은 한 번만 할 수 있고 결과는 바꿀 수 없습니다. 추첨 직후 당첨되지 않은 분들의 이름과 연락처는 삭제됩니다.</p>
      <div class="actions"><button value="cancel">취소</button><button class="primary" value="ok" id="confirm-ok">추첨 확정</button></div></form></dialog>`;
  // The seal is for checking by machine, not for reading: a file, not hex on screen.
  const seal = box.querySelector('#seal-link');
  if (seal) {
    seal.href = URL.createObjectURL(new Blob([JSON.stringify({ eventId: e.eventId, seedCommitment: info.seedCommitment,
      note: '추첨 후 공개되는 난수의 SHA-256 값이 이 봉인 값과 같으면 추첨 난수가 미리 정해져 있었다는 뜻입니다.' }, null, 2)], { type: 'application/json' }));
  }
  const form = box.querySelector('#draw-form');
  const dialog = box.querySelector('#confirm-draw');
  const whole = (min, max, msg) => (v) => (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? '' : msg);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!validate(form, {
      winnerCount: whole(1, Infinity, '당첨자 수는 1 이상의 숫자로 입력해 주세요'),
      reserveCount: whole(0, Infinity, '예비 당첨자 수는 0 이상의 숫자로 입력해 주세요'),
      claimDays: whole(1, 90, '수령 기한은 1일에서 90일 사이로 입력해 주세요'),
    })) return;
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'ok') return;
    const n = (k) => Number(form[k].value);
    try {
      const w = await post(`/api/events/${enc}/draw-winners`, { winnerCount: n('winnerCount'), reserveCount: n('reserveCount'), claimDays: n('claimDays'),
        applyStoreVisitBonus: form.applyStoreVisitBonus.checked, excludeFlagged: Boolean(form.excludeFlagged && form.excludeFlagged.checked) });
      box.innerHTML = certificate(w, enc);
      wirePrizes(box, e, w);
      toast('추첨을 마쳤습니다');
      onDrawn();
    } catch (err) {
      err.message = plain(err.message);
      showApiError(form, err, { PART_005: (x) => (/예비/.test(x.message) ? 'reserveCount' : /수령/.test(x.message) ? 'claimDays' : 'winnerCount') });
    }
  });
}
