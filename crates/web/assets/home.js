// Home (KPIs and events in progress), the events list (tabs, search, paging,
// drafts that can be deleted) and 분석, the owner's events side by side.
import { get, del } from './api.js';
import { render, esc, badge, num, toast, live } from './ui.js';
import { kday } from './dates.js';
import { roi as roiText } from './money.js';

function eventItem(e) {
  // The owner's last word is the title: what they typed at the content step.
  const title = (e.content && e.content.title) || e.title || `${e.objective} 이벤트 (작성중)`;
  const draft = e.status === 'DRAFT' || e.status === 'APPROVED';
  const href = draft ? `#/new/1?resume=${encodeURIComponent(e.eventId)}` : `#/events/${encodeURIComponent(e.eventId)}`;
  return `<li class="event-item" data-id="${esc(e.eventId)}"><a class="item" href="${esc(href)}"><span class="row spread"><span class="item-title">${esc(title)}</span>${badge(e.status)}</span>
    <span class="muted small">${esc(e.objective)} · ${e.startDate ? `${kday(e.startDate)} ~ ${kday(e.endDate)}` : '기간 미정'}</span></a>
    ${e.status === 'DRAFT' ? `<button type="button" class="small danger delete-draft" data-id="${esc(e.eventId)}" data-title="${esc(title)}">삭제</button>` : ''}</li>`;
}

/** The 삭제 buttons of draft items: asks, deletes, and takes the line away. */
function wireDeletes(root, after = () => {}) {
  root.querySelectorAll('.delete-draft').forEach((b) => b.addEventListener('click', async () => {
    if (!confirm(`작성중인 ‘${b.dataset.title}’ 이벤트를 삭제할까요? 삭제하면 되돌릴 수 없어요.`)) return;
    b.disabled = true;
    try {
      await del('/api/events/' + encodeURIComponent(b.dataset.id));
      b.closest('li').remove();
      // The wizard must not go on with a deleted draft.
      try {
        const w = JSON.parse(sessionStorage.getItem('kem.wizard') || '{}');
        if (w.eventId === b.dataset.id) sessionStorage.removeItem('kem.wizard');
      } catch (e) { /* nothing saved */ }
      toast('작성중인 이벤트를 삭제했어요');
      after();
    } catch (err) {
      b.disabled = false;
      toast(err.message);
    }
  }));
}

export async function homeScreen() {
  const [me, board, stats] = await Promise.all([
    get('/api/users/me'),
    get('/api/events/dashboard'),
    // Analytics may not be mounted in this process: the home screen works without it.
    get('/api/analytics/users/me/dashboard').catch(() => null),
  ]);
  const counts = board.counts || {};
  const active = (board.recent && board.recent.ACTIVE) || [];
  const drafts = (board.recent && board.recent.DRAFT) || [];
  const s = (stats && (stats.totals || stats.summary)) || {};
  const participants = s.participants ?? s.totalParticipants;
  const views = s.views ?? s.totalViews;
  const m = render(`<h1>${esc(me.storeName)} 사장님, 안녕하세요</h1>
    <section class="kpis" aria-label="요약 지표">
      <div class="kpi"><span class="value">${num(counts.ACTIVE)}</span><span class="name">진행중 이벤트</span></div>
      <div class="kpi"><span class="value">${num(board.totalCount)}</span><span class="name">전체 이벤트</span></div>
      <div class="kpi"><span class="value">${participants == null ? '-' : num(participants)}명</span><span class="name">총 참여자</span></div>
      <div class="kpi"><span class="value">${views == null ? '-' : num(views)}회</span><span class="name">총 노출</span></div>
    </section>
    ${stats ? `<p class="muted small" id="home-roi">평균 예상 ROI ${esc(roiText(s.roi ?? s.estimatedRoi))}</p>` : ''}
    <a class="button primary block" href="#/new">+ 새 이벤트 만들기</a>
    <a class="button block mt-8" id="home-coupons" href="#/coupons">당첨 쿠폰 사용 처리</a>
    <section class="card mt-12" aria-labelledby="active-title">
      <div class="row spread"><h2 id="active-title">진행중인 이벤트</h2><a href="#/events?status=ACTIVE">전체 보기</a></div>
      ${active.length ? `<ul class="list">${active.map(eventItem).join('')}</ul>` : '<p class="empty">진행중인 이벤트가 없습니다. 첫 이벤트를 만들어 보세요!</p>'}
    </section>
    ${drafts.length ? `<section class="card" aria-labelledby="draft-title"><div class="row spread"><h2 id="draft-title">작성중인 이벤트</h2><a href="#/events?status=DRAFT">전체 보기</a></div><ul class="list">${drafts.map(eventItem).join('')}</ul></section>` : ''}`, '홈');
  wireDeletes(m);
}

const TABS = [['ACTIVE', '진행중'], ['DRAFT', '작성중'], ['ENDED', '종료'], ['', '전체']];
const SIZE = 10;

export async function listScreen(query) {
  const status = query.has('status') ? query.get('status') : 'ACTIVE';
  const q = query.get('q') || '';
  const page = Math.max(0, Number(query.get('page')) || 0);
  const params = new URLSearchParams({ page, size: SIZE });
  if (status) params.set('status', status);
  if (q) params.set('q', q);
  const data = await get('/api/events?' + params);
  const m = render(`<h1>이벤트</h1>
    <div class="tabs" role="tablist" aria-label="상태">${TABS.map(([v, l]) =>
      `<button role="tab" type="button" data-status="${v}" aria-selected="${v === status}">${l}</button>`).join('')}</div>
    <form class="row" id="search" role="search">
      <label for="q" class="skip">이벤트 검색</label>
      <input id="q" name="q" type="search" value="${esc(q)}" placeholder="이벤트 제목 검색" class="grow">
      <button type="submit">검색</button></form>
    ${q ? `<p class="small muted" id="search-note">‘${esc(q)}’ 검색 결과 · <a href="#/events?status=${esc(status)}" id="search-clear">검색 지우기</a></p>` : ''}
    <section class="card mt-12" aria-live="polite">
      <p class="muted small" id="total">총 ${num(data.totalCount)}건</p>
      ${data.items.length ? `<ul class="list" id="event-list">${data.items.map(eventItem).join('')}</ul>` : `<p class="empty">${q ? '검색어에 맞는 이벤트가 없습니다.' : '조건에 맞는 이벤트가 없습니다.'}</p>`}
      <nav class="pager" aria-label="페이지">
        <a class="button" id="page-prev" ${page <= 0 ? 'aria-disabled="true" hidden' : ''}>이전</a>
        <span class="muted small">${page + 1} / ${Math.max(1, data.totalPages)}</span>
        <a class="button" id="page-next" ${page + 1 >= data.totalPages ? 'aria-disabled="true" hidden' : ''}>다음</a>
      </nav></section>`, '이벤트 목록');
  const box = m.querySelector('#q');
  // What the box says now is the search: a cleared box filters nothing.
  const go = (over) => {
    const p = new URLSearchParams({ status, q: box.value.trim(), page, ...over });
    if (!p.get('q')) p.delete('q');
    return '#/events?' + p;
  };
  m.querySelector('#page-prev').href = go({ page: page - 1 });
  m.querySelector('#page-next').href = go({ page: page + 1 });
  m.querySelectorAll('[data-status]').forEach((b) => b.addEventListener('click', () => { location.hash = go({ status: b.dataset.status, page: 0 }); }));
  m.querySelector('#search').addEventListener('submit', (e) => {
    e.preventDefault();
    // A search looks through every state: the owner remembers a title, not where it is.
    location.hash = go({ status: box.value.trim() ? '' : status, page: 0 });
  });
  // The box's ✕ (or deleting every letter) ends the search at once.
  const cleared = () => { if (!box.value.trim() && q) location.replace(go({ page: 0 })); };
  box.addEventListener('search', cleared);
  box.addEventListener('input', cleared);
  wireDeletes(m, () => {
    const total = m.querySelector('#total');
    total.textContent = `총 ${num(Math.max(0, data.totalCount - 1))}건`;
    data.totalCount = Math.max(0, data.totalCount - 1);
  });
}

const pct = (v) => (v == null ? '집계 중' : `${Math.round(v * 10) / 10}%`);

/** 분석: every published event's participants, views and achievement, kept current. */
export async function analyticsScreen() {
  const m = render(`<div class="row spread"><h1>분석</h1><span class="small muted" id="updated"></span></div><div id="overview"><p class="loading">불러오는 중…</p></div>`, '분석');
  const box = m.querySelector('#overview');
  const draw = async () => {
    let d;
    try { d = await get('/api/analytics/users/me/dashboard'); } catch (err) {
      if (err.status !== 404) throw err;
      d = null;
    }
    const t = (d && d.totals) || {};
    const events = (d && d.events) || [];
    const best = d && d.bestChannel;
    box.innerHTML = `<section class="kpis" aria-label="전체 성과">
        <div class="kpi"><span class="value">${num(t.activeEvents)}개</span><span class="name">진행중 이벤트</span></div>
        <div class="kpi"><span class="value">${num(t.participants)}명</span><span class="name">총 참여자</span></div>
        <div class="kpi"><span class="value">${num(t.views)}회</span><span class="name">총 노출</span></div>
        <div class="kpi"><span class="value">${best ? esc(best.channelName) : '-'}</span><span class="name">참여가 가장 많은 채널</span></div></section>
      <section class="card" aria-labelledby="by-event"><h2 id="by-event">이벤트별 성과</h2>
      ${events.length ? `<ul class="list">${events.map((e) => `<li><a class="item" href="#/events/${encodeURIComponent(e.eventId)}/results">
        <span class="row spread"><span class="item-title">${esc(e.title)}</span>${badge(e.status)}</span>
        <span class="small muted">참여 ${num(e.participants)}명 (목표 ${num(e.targetParticipants)}명, 달성 ${pct(e.achievementRate)}) · 노출 ${num(e.views)}회</span></a></li>`).join('')}</ul>`
        : '<p class="empty">게시한 이벤트가 생기면 여기에서 성과를 비교할 수 있어요.</p>'}</section>`;
  };
  await draw();
  live(draw, { stamp: m.querySelector('#updated') });
}
