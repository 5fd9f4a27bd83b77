// Event detail: status, distribution per channel, entry links and QR codes,
// participants, the dates (moved or ended early), the draw after the end with
// its proof and what was erased, and the dashboard.
import { get, post, put, download } from './api.js';
import { render, esc, badge, num, won, when, CHANNELS, validate, showApiError, toast } from './ui.js';
import { channelRows, wireRetry } from './review.js';
import { barChart, lineChart, stackChart } from './charts.js';
import { roi as roiText, ROI_FORMULA } from './money.js';
import { signalBadges, signalSummary, excludeField, excludedLine } from './signals.js';

const SIZE = 10;
const DRAWN = { WINNER: ' <span class="badge OPEN">당첨</span>', RESERVE: ' <span class="badge UPCOMING">예비</span>' };

const PHASES = { UPCOMING: '시작 전', OPEN: '진행중', ENDED: '종료' };
const SEOUL = { timeZone: 'Asia/Seoul' };
/** Today in Korea as `YYYY-MM-DD`. */
const today = () => new Date().toLocaleDateString('sv-SE', SEOUL);
/** `12월 10일` (with the year when not this year's) of `YYYY-MM-DD…`; `full` always names the year. */
function kday(s, full) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return '-';
  const [y, mo, d] = [m[1], Number(m[2]), Number(m[3])];
  return `${full || y !== today().slice(0, 4) ? y + '년 ' : ''}${mo}월 ${d}일`;
}
/** The Korea date of an instant, as `2026년 12월 11일`. */
const kdate = (s) => (s ? kday(new Date(s).toLocaleDateString('sv-SE', SEOUL), true) : '-');
/** `12/6 14:05` of an instant in Korea time, for the narrow table. */
function short(s) {
  const d = new Date(s);
  if (isNaN(d)) return '-';
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { ...SEOUL, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.month}/${p.day} ${p.hour}:${p.minute}`;
}
function plusDays(s, n) {
  const d = new Date(s + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function stateLine(e) {
  if (e.phase === 'UPCOMING') return `${kday(e.startDate)} 0시부터 응모를 받아요`;
  if (e.phase === 'OPEN') return `${kday(e.endDate)}까지 응모를 받아요`;
  if (e.phase === 'ENDED') return e.endedAt ? `${when(e.endedAt)}에 종료했어요` : '응모를 마감했어요';
  return '게시하면 응모를 받기 시작해요';
}

export async function detailScreen(id) {
  const enc = encodeURIComponent(id);
  const e = await get('/api/events/' + enc);
  const c = e.content || {};
  const title = c.title || e.title || `${e.objective} 이벤트`;
  const active = e.status === 'ACTIVE';
  const state = e.phase ? `<span class="badge ${esc(e.phase)}" id="phase">${PHASES[e.phase] || ''}</span>` : badge(e.status);
  const start = e.startDate || today();
  const m = render(`<p><a href="#/events">← 이벤트 목록</a></p>
    <section class="card"><div class="row spread"><h1 class="flush">${esc(title)}</h1>${state}</div>
      <p class="muted">${esc(e.objective)} · 경품 ${esc(c.prizeText || e.prize || '-')}</p>
      ${c.imageUrl ? `<img src="${esc(c.imageUrl)}" alt="홍보 이미지" class="event-thumb">` : ''}
      <dl class="facts" id="dates"><div><dt>기간</dt><dd>${kday(e.startDate)} ~ ${kday(e.endDate)}</dd></div>
        <div><dt>상태</dt><dd>${stateLine(e)}</dd></div>
        <div><dt>응모 방식</dt><dd id="verify-mode">${e.verifyPhone ? '휴대폰 인증 후 응모' : '인증 없이 응모'}</dd></div></dl>
      ${active ? `<form id="schedule-form" novalidate><div class="field"><label for="endDate">종료일 바꾸기</label>
        <div class="row"><input id="endDate" name="endDate" type="date" value="${esc(e.endDate || '')}" min="${today() > start ? today() : start}" max="${plusDays(start, 90)}" aria-describedby="endDate-hint endDate-error" class="grow">
        <button type="submit">저장</button></div>
        <p class="hint" id="endDate-hint">오늘 이후, 시작일부터 90일 안으로 정할 수 있어요.</p><p class="error" id="endDate-error" aria-live="polite"></p></div></form>
        <button type="button" class="danger" id="end">지금 종료하기</button>` : ''}
      ${e.status === 'DRAFT' ? `<a class="button primary" href="#/new/1?resume=${enc}">이어서 만들기</a>` : ''}</section>
    <section class="card" aria-labelledby="dist-title"><h2 id="dist-title">채널별 배포 현황</h2><div id="dist"><p class="muted">불러오는 중…</p></div></section>
    <section class="card" aria-labelledby="links-title"><h2 id="links-title">응모 링크와 QR 코드</h2><ul class="list links" id="links"></ul></section>
    <section class="card" aria-labelledby="parts-title"><div class="row spread"><h2 id="parts-title">참여자</h2><button type="button" id="csv">CSV 다운로드</button></div><div id="parts"></div></section>
    <section class="card" aria-labelledby="draw-title"><h2 id="draw-title">당첨자 추첨</h2><div id="draw"></div></section>
    <section class="card" aria-labelledby="anal-title"><h2 id="anal-title">성과 대시보드</h2><div id="analytics"><p class="muted">불러오는 중…</p></div></section>`, title);

  const endNow = async () => {
    if (!confirm('이벤트를 지금 종료할까요? 종료하면 더 이상 응모를 받지 않고, 추첨을 할 수 있어요.')) return;
    try { await post(`/api/events/${enc}/end`); toast('이벤트를 종료했습니다'); detailScreen(id); } catch (err) { toast(err.message); }
  };
  const endBtn = m.querySelector('#end');
  if (endBtn) endBtn.addEventListener('click', endNow);
  const schedule = m.querySelector('#schedule-form');
  if (schedule) schedule.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!validate(schedule, { endDate: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? '' : '종료일을 골라 주세요') })) return;
    try {
      const v = await put(`/api/events/${enc}/schedule`, { endDate: schedule.endDate.value });
      toast(`종료일을 ${kday(v.endDate)}로 바꿨습니다`);
      detailScreen(id);
    } catch (err) {
      err.message = err.message.replace(/\d{4}-\d{2}-\d{2}/g, (d) => kday(d));
      showApiError(schedule, err, { EVENT_012: 'endDate' });
    }
  });
  links(m, e);
  m.querySelector('#csv').addEventListener('click', () => download(`/api/events/${enc}/participants.csv`, `participants-${id}.csv`).catch((err) => toast(err.message)));
  await Promise.all([distribution(m, e), participants(m, id, 0), draw(m, e, endNow), analytics(m, id)]);
}

async function distribution(m, e) {
  const box = m.querySelector('#dist');
  let rows = e.distributionResults || [];
  try {
    const s = await get(`/api/distribution/${encodeURIComponent(e.eventId)}/status`);
    rows = s.channels || rows;
  } catch (err) { /* not distributed yet, or the service is elsewhere: the event's own copy stands */ }
  const draw = (rs) => {
    box.innerHTML = rs.length ? channelRows(rs, { retry: e.status === 'ACTIVE' }) : '<p class="empty">아직 배포되지 않았습니다.</p>';
    wireRetry(box, e.eventId, draw);
  };
  draw(rows);
}

function links(m, e) {
  const enc = encodeURIComponent(e.eventId);
  const list = [['', '공통 링크'], ...(e.channels || []).map((ch) => [ch, CHANNELS[ch] || ch])];
  m.querySelector('#links').innerHTML = list.map(([ch, name]) => {
    const q = ch ? `?ch=${ch}` : '';
    const url = `${location.origin}/e/${enc}${q}`;
    return `<li><img class="qr" src="/e/${enc}/qr.svg${q}" alt="${esc(name)} 응모 QR 코드" width="120" height="120" loading="lazy">
      <span><strong>${esc(name)}</strong><br><a href="${esc(url)}" target="_blank" rel="noopener">응모 페이지 열기</a> ·
      <a href="/e/${enc}/qr.png${q}" download="qr-${esc(ch || 'all')}.png">PNG</a> · <a href="/e/${enc}/qr.svg${q}" download="qr-${esc(ch || 'all')}.svg">SVG</a></span>
      <code>${esc(url)}</code></li>`;
  }).join('');
}

async function participants(m, id, page) {
  const box = m.querySelector('#parts');
  let data;
  try {
    data = await get(`/api/events/${encodeURIComponent(id)}/participants?page=${page}&size=${SIZE}`);
  } catch (err) {
    box.innerHTML = `<p class="muted">${esc(err.status === 404 ? '아직 참여자가 없습니다.' : err.message)}</p>`;
    return;
  }
  box.innerHTML = `<p class="muted small">총 ${num(data.totalCount)}명 (개인정보는 가려서 표시합니다)</p>${signalSummary(data)}
    ${data.items.length ? `<div class="table-wrap"><table><thead><tr><th scope="col">번호</th><th scope="col">참여자</th><th scope="col">채널</th><th scope="col">응모 시각</th></tr></thead><tbody>
      ${data.items.map((p) => `<tr${p.erasedAt ? ' class="erased"' : ''}><td>${esc(p.entryNumber)}</td><td>${esc(p.name)}${DRAWN[p.drawnAs] || ''}${signalBadges(p)}${p.phoneNumber ? `<br><span class="small nowrap">${esc(p.phoneNumber)}</span>` : ''}</td><td>${esc(CHANNELS[p.channel] || p.channel || '-')}${p.storeVisited ? '<br><span class="small muted">매장 방문</span>' : ''}</td><td class="nowrap">${short(p.registeredAt)}</td></tr>`).join('')}
    </tbody></table></div>` : '<p class="empty">아직 참여자가 없습니다.</p>'}
    <nav class="pager" aria-label="참여자 페이지"><button type="button" id="p-prev" ${page <= 0 ? 'disabled' : ''}>이전</button>
      <span class="muted small">${page + 1} / ${Math.max(1, data.totalPages)}</span>
      <button type="button" id="p-next" ${page + 1 >= data.totalPages ? 'disabled' : ''}>다음</button></nav>`;
  box.querySelector('#p-prev').addEventListener('click', () => participants(m, id, page - 1));
  box.querySelector('#p-next').addEventListener('click', () => participants(m, id, page + 1));
}

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

async function draw(m, e, endNow) {
  const box = m.querySelector('#draw');
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
    ${info.seedCommitment ? `<details><summary>봉인 값 보기</summary><code class="seal">${esc(info.seedCommitment)}</code></details>` : ''}</div>
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
      participants(m, e.eventId, 0);
    } catch (err) {
      err.message = plain(err.message);
      showApiError(form, err, { PART_005: (x) => (/예비/.test(x.message) ? 'reserveCount' : /수령/.test(x.message) ? 'claimDays' : 'winnerCount') });
    }
  });
}

/** What was measured after the draw (notices, visits at the counter, ROI), beside the estimates. */
function measured(x, pct) {
  if (!x) return '';
  const visits = (x.visitsByChannel || []).filter((v) => v.storeVisits > 0)
    .map((v) => `${esc(CHANNELS[v.channel] || '기타 경로')} ${num(v.storeVisits)}명`).join(', ');
  return `<h3 id="measured-title">측정된 성과</h3><div class="kpis" id="measured">
      <div class="kpi"><span class="value">${num(x.storeVisits)}명</span><span class="name">방문 확인 (쿠폰 사용)</span></div>
      <div class="kpi"><span class="value">${num(x.claims)}명</span><span class="name">쿠폰 확인 (당첨 페이지 열람)</span></div>
      <div class="kpi"><span class="value">${x.roi == null ? '집계 중' : pct(x.roi)}</span><span class="name">측정 ROI</span></div>
      <div class="kpi"><span class="value">${num(x.noticesSent)} / ${num(x.noticesDelivered)} / ${num(x.noticesFailed)}</span><span class="name">안내 발송 / 도착 / 실패</span></div>
      <div class="kpi"><span class="value">${won(x.revenue)}</span><span class="name">측정 매출 (방문 1회 ${won(x.spendPerVisit)})</span></div></div>
    ${visits ? `<p class="small">채널별 방문: ${visits}</p>` : ''}
    <p class="small muted" id="measured-formula">${esc(x.formula || '')}<br>${x.roi == null ? '쿠폰이 한 장 이상 사용되면 계산돼요.' : `이번 이벤트: (${won(x.revenue)} − ${won(x.investment)}) ÷ ${won(x.investment)} × 100 = ${pct(x.roi)}`}</p>`;
}

async function analytics(m, id) {
  const box = m.querySelector('#analytics');
  let d;
  try { d = await get(`/api/analytics/events/${encodeURIComponent(id)}/dashboard`); } catch (err) {
    box.innerHTML = `<p class="muted">${esc(err.status === 404 ? '게시 후 데이터가 모이면 대시보드가 표시됩니다.' : err.message)}</p>`;
    return;
  }
  const s = d.summary || {};
  const pct = (v) => (v == null ? '-' : `${Math.round(v * 10) / 10}%`);
  const channels = d.channelPerformance || [];
  const roi = d.roi || {};
  const inv = roi.investment || {};
  const parts = (inv.items || []).map((x) => ({ label: x.label, value: x.amount })).filter((p) => p.value > 0);
  box.innerHTML = `<div class="kpis">
      <div class="kpi"><span class="value">${num(s.totalParticipants)}</span><span class="name">참여자 (목표 ${num(s.targetParticipants)}, 달성 ${pct(s.achievementRate)})</span></div>
      <div class="kpi"><span class="value">${num(s.totalViews)}</span><span class="name">총 노출</span></div>
      <div class="kpi"><span class="value">${roiText(s.estimatedRoi)}</span><span class="name">예상 ROI (업종 평균 ${pct(s.industryAverageRoi)})</span></div>
      <div class="kpi"><span class="value">${won(s.expectedSalesIncrease)}</span><span class="name">예상 매출 증가</span></div></div>
    ${measured(d.measured, pct)}
    <h3>채널별 참여자</h3><div class="chart">${barChart(channels.map((c) => ({ label: c.channelName || c.channel, value: c.participants })), { title: '채널별 참여자 수' })}</div>
    <h3>채널별 노출</h3><div class="chart">${barChart(channels.map((c) => ({ label: c.channelName || c.channel, value: c.views, color: '#2f80ed' })), { title: '채널별 노출 수' })}</div>
    <h3>시간대별 참여</h3><div class="chart">${lineChart((d.timeline || []).map((p) => ({ label: String(p.hour).slice(11, 13) + '시', value: p.participants })), { title: '시간대별 참여 추이' })}</div>
    <h3>투자 구성과 ROI</h3><div class="chart">${stackChart(parts, { title: 'ROI 투자 구성' })}</div>
    <p class="small muted" id="roi-formula">${esc(roi.formula || ROI_FORMULA)}: 예상 매출 ${won(roi.revenue && roi.revenue.expectedRevenue)}, 투자 비용 <span id="investment-total">${won(inv.total)}</span> → ${roiText(roi.roi)}</p>`;
}
