// Event detail in four tabs, each its own hash route so the back button moves
// between them: 개요 (dates, ending, distribution, share links), 참여자 (search,
// masked list, CSV), 추첨 (draw.js) and 성과 (results.js, kept current).
import { get, post, put, del, download } from './api.js';
import { render, esc, badge, num, when, channelName, validate, showApiError, toast, live } from './ui.js';
import { channelRows, wireRetry } from './review.js';
import { signalBadges, signalSummary } from './signals.js';
import { today, kday, short, plusDays } from './dates.js';
import { draw } from './draw.js';
import { analytics } from './results.js';
import { shareBlock, wireShare } from './share.js';

const SIZE = 10;
const DRAWN = { WINNER: ' <span class="badge OPEN">당첨</span>', RESERVE: ' <span class="badge UPCOMING">예비</span>' };
const PHASES = { UPCOMING: '시작 전', OPEN: '진행중', ENDED: '종료' };
const TABS = [['', '개요'], ['participants', '참여자'], ['draw', '추첨'], ['results', '성과']];

function stateLine(e) {
  if (e.phase === 'UPCOMING') return `${kday(e.startDate)} 0시부터 응모를 받아요`;
  if (e.phase === 'OPEN') return `${kday(e.endDate)}까지 응모를 받아요`;
  if (e.phase === 'ENDED') return e.endedAt ? `${when(e.endedAt)}에 종료했어요` : '응모를 마감했어요';
  return '게시하면 응모를 받기 시작해요';
}

export async function detailScreen(id, tab = '', query = new URLSearchParams()) {
  const enc = encodeURIComponent(id);
  const e = await get('/api/events/' + enc);
  const c = e.content || {};
  const title = c.title || e.title || `${e.objective} 이벤트`;
  if (!TABS.some(([t]) => t === tab)) tab = '';
  const state = e.phase ? `<span class="badge ${esc(e.phase)}" id="phase">${PHASES[e.phase] || ''}</span>` : badge(e.status);
  const m = render(`<p class="back"><a href="#/events">← 이벤트 목록</a></p>
    <section class="card event-head"><div class="row spread"><h1 class="flush">${esc(title)}</h1>${state}</div>
      <p class="muted flush">${esc(e.objective)} · 경품 ${esc(c.prizeText || e.prize || '-')}</p></section>
    <nav class="tabs detail-tabs" role="tablist" aria-label="이벤트 상세">${TABS.map(([t, label]) =>
      `<a role="tab" class="button" id="tab-${t || 'overview'}" href="#/events/${enc}${t ? '/' + t : ''}" aria-selected="${t === tab}">${label}</a>`).join('')}</nav>
    <div id="panel" role="tabpanel" aria-labelledby="tab-${tab || 'overview'}"></div>`, title);
  const panel = m.querySelector('#panel');
  const reload = () => detailScreen(id, tab, query);
  const endNow = async () => {
    if (!confirm('이벤트를 지금 종료할까요? 종료하면 더 이상 응모를 받지 않고, 추첨을 할 수 있어요.')) return;
    try { await post(`/api/events/${enc}/end`); toast('이벤트를 종료했습니다'); reload(); } catch (err) { toast(err.message); }
  };
  switch (tab) {
    case 'participants':
      panel.innerHTML = `<section class="card" aria-labelledby="parts-title"><div class="row spread"><h2 id="parts-title">참여자</h2><button type="button" id="csv">CSV 다운로드</button></div>
        <form class="row" id="parts-search" role="search"><label for="pq" class="skip">이름으로 찾기</label>
          <input id="pq" name="pq" type="search" class="grow" placeholder="이름으로 찾기" value="${esc(query.get('q') || '')}"><button type="submit">찾기</button></form>
        <div id="parts" class="mt-8"></div></section>`;
      panel.querySelector('#csv').addEventListener('click', () => download(`/api/events/${enc}/participants.csv`, `participants-${id}.csv`).catch((err) => toast(err.message)));
      wireParticipantSearch(panel, id);
      await participants(panel, id, 0, query.get('q') || '');
      break;
    case 'draw':
      panel.innerHTML = `<section class="card" aria-labelledby="draw-title"><h2 id="draw-title">당첨자 추첨</h2><div id="draw"></div></section>`;
      await draw(panel.querySelector('#draw'), e, { endNow, onDrawn: () => {} });
      break;
    case 'results':
      panel.innerHTML = `<section class="card" aria-labelledby="anal-title"><div class="row spread"><h2 id="anal-title">성과 대시보드</h2><span class="small muted" id="updated"></span></div>
        <div id="analytics"><p class="muted">불러오는 중…</p></div></section>`;
      await analytics(panel.querySelector('#analytics'), id, panel.querySelector('#updated'));
      break;
    default:
      await overview(panel, e, { endNow, reload });
  }
}

async function overview(panel, e, { endNow, reload }) {
  const enc = encodeURIComponent(e.eventId);
  const c = e.content || {};
  const active = e.status === 'ACTIVE';
  const draft = e.status === 'DRAFT' || e.status === 'APPROVED';
  const start = e.startDate || today();
  panel.innerHTML = `<section class="card">
      ${c.imageUrl ? `<img src="${esc(c.imageUrl)}" alt="홍보 이미지" class="event-thumb">` : ''}
      <dl class="facts" id="dates"><div><dt>기간</dt><dd>${kday(e.startDate)} ~ ${kday(e.endDate)}</dd></div>
        <div><dt>상태</dt><dd>${stateLine(e)}</dd></div>
        <div><dt>응모 방식</dt><dd id="verify-mode">${e.verifyPhone ? '휴대폰 인증 후 응모' : '인증 없이 응모'}</dd></div></dl>
      ${active ? `<form id="schedule-form" novalidate><div class="field"><label for="endDate">종료일 바꾸기</label>
        <div class="row"><input id="endDate" name="endDate" type="date" value="${esc(e.endDate || '')}" min="${today() > start ? today() : start}" max="${plusDays(start, 90)}" aria-describedby="endDate-hint endDate-error" class="grow">
        <button type="submit">저장</button></div>
        <p class="hint" id="endDate-hint">오늘 이후, 시작일부터 90일 안으로 정할 수 있어요.</p><p class="error" id="endDate-error" aria-live="polite"></p></div></form>
        <button type="button" class="danger" id="end">지금 종료하기</button>` : ''}
      <div class="actions">${draft ? `<a class="button primary" href="#/new/1?resume=${enc}">이어서 만들기</a>` : ''}
        ${e.status === 'DRAFT' ? '<button type="button" class="danger" id="delete">삭제</button>' : ''}
        <button type="button" id="duplicate">복제해서 새로 만들기</button></div></section>
    ${draft ? '' : `<section class="card" aria-labelledby="links-title"><h2 id="links-title">응모 링크 공유</h2>
      <p class="small muted">채널별 링크로 들어온 응모는 그 채널의 성과로 집계돼요.</p>${shareBlock(e)}</section>
    <section class="card" aria-labelledby="dist-title"><h2 id="dist-title">채널별 배포 현황</h2><div id="dist"><p class="muted">불러오는 중…</p></div></section>`}`;
  const endBtn = panel.querySelector('#end');
  if (endBtn) endBtn.addEventListener('click', endNow);
  const schedule = panel.querySelector('#schedule-form');
  if (schedule) schedule.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!validate(schedule, { endDate: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? '' : '종료일을 골라 주세요') })) return;
    try {
      const v = await put(`/api/events/${enc}/schedule`, { endDate: schedule.endDate.value });
      toast(`종료일을 ${kday(v.endDate)}로 바꿨습니다`);
      reload();
    } catch (err) {
      err.message = err.message.replace(/\d{4}-\d{2}-\d{2}/g, (d) => kday(d));
      showApiError(schedule, err, { EVENT_012: 'endDate' });
    }
  });
  const remove = panel.querySelector('#delete');
  if (remove) remove.addEventListener('click', async () => {
    if (!confirm('작성중인 이벤트를 삭제할까요? 삭제하면 되돌릴 수 없어요.')) return;
    try { await del(`/api/events/${enc}`); toast('작성중인 이벤트를 삭제했어요'); location.hash = '#/events?status=DRAFT'; } catch (err) { toast(err.message); }
  });
  panel.querySelector('#duplicate').addEventListener('click', () => duplicate(e.eventId));
  if (!draft) {
    wireShare(panel, e);
    await distribution(panel, e);
  }
}

/** A new draft with this event's objective, plan and texts (no channels, no dates), opened in the wizard. */
export async function duplicate(id) {
  try {
    const d = await post(`/api/events/${encodeURIComponent(id)}/duplicate`);
    toast('복제했어요. 기간과 채널을 정해 주세요');
    location.hash = `#/new/1?resume=${encodeURIComponent(d.eventDraftId)}`;
  } catch (err) {
    toast(err.status === 404 || err.status === 405 ? '복제 기능은 아직 준비 중이에요.' : err.message);
  }
}

async function distribution(root, e) {
  const box = root.querySelector('#dist');
  let rows = e.distributionResults || [];
  try {
    const s = await get(`/api/distribution/${encodeURIComponent(e.eventId)}/status`);
    rows = s.channels || rows;
  } catch (err) { /* not distributed yet, or the service is elsewhere: the event's own copy stands */ }
  const redraw = (rs) => {
    box.innerHTML = rs.length ? channelRows(rs, { retry: e.status === 'ACTIVE' }) : '<p class="empty">아직 배포되지 않았습니다.</p>';
    wireRetry(box, e.eventId, redraw);
  };
  redraw(rows);
}

/** Searching by name keeps the tab and puts the words in the hash (back works); a cleared box shows everyone. */
function wireParticipantSearch(panel, id) {
  const form = panel.querySelector('#parts-search');
  const box = form.pq;
  const go = (replace) => {
    const q = box.value.trim();
    const to = `#/events/${encodeURIComponent(id)}/participants${q ? '?q=' + encodeURIComponent(q) : ''}`;
    if (to === location.hash) return;
    // Clearing undoes the search rather than adding a step to go back through.
    if (replace) location.replace(to); else location.hash = to;
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(false); });
  box.addEventListener('search', () => go(!box.value.trim()));
  box.addEventListener('input', () => { if (!box.value.trim()) go(true); });
}

async function participants(root, id, page, q) {
  const box = root.querySelector('#parts');
  const load = async () => {
    const params = new URLSearchParams({ page, size: SIZE });
    if (q) params.set('q', q);
    return get(`/api/events/${encodeURIComponent(id)}/participants?${params}`);
  };
  let data;
  try { data = await load(); } catch (err) {
    box.innerHTML = `<p class="muted">${esc(err.status === 404 ? '아직 참여자가 없습니다.' : err.message)}</p>`;
    return;
  }
  const show = (d) => {
    box.dataset.page = String(page);
    box.innerHTML = `<p class="muted small"><span id="parts-total">${q ? `‘${esc(q)}’ 검색 결과 ` : '총 '}${num(d.totalCount)}명</span> (개인정보는 가려서 표시합니다) <span id="parts-updated"></span></p>${signalSummary(d)}
    ${d.items.length ? `<div class="table-wrap"><table><thead><tr><th scope="col">번호</th><th scope="col">참여자</th><th scope="col">채널</th><th scope="col">응모 시각</th></tr></thead><tbody>
      ${d.items.map((p) => `<tr${p.erasedAt ? ' class="erased"' : ''}><td>${esc(p.entryNumber)}</td><td>${esc(p.name)}${DRAWN[p.drawnAs] || ''}${signalBadges(p)}${p.phoneNumber ? `<br><span class="small nowrap">${esc(p.phoneNumber)}</span>` : ''}</td><td>${p.channel ? esc(channelName(p.channel)) : '공통 링크'}${p.storeVisited ? '<br><span class="small muted">매장 방문</span>' : ''}</td><td class="nowrap">${short(p.registeredAt)}</td></tr>`).join('')}
    </tbody></table></div>` : `<p class="empty">${q ? '이 이름의 참여자가 없습니다.' : '아직 참여자가 없습니다.'}</p>`}
    <nav class="pager" aria-label="참여자 페이지"><button type="button" id="p-prev" ${page <= 0 ? 'disabled' : ''}>이전</button>
      <span class="muted small">${page + 1} / ${Math.max(1, d.totalPages)}</span>
      <button type="button" id="p-next" ${page + 1 >= d.totalPages ? 'disabled' : ''}>다음</button></nav>`;
    box.querySelector('#p-prev').addEventListener('click', () => participants(root, id, page - 1, q));
    box.querySelector('#p-next').addEventListener('click', () => participants(root, id, page + 1, q));
  };
  show(data);
  // The first page of everyone follows new entries while it is open.
  if (page === 0 && !q) {
    live(async () => {
      if (!box.isConnected || box.dataset.page !== '0') return;
      const d = await load();
      if (d.totalCount !== data.totalCount) { data = d; show(d); }
    }, { stamp: null });
  }
}
