// Home (KPIs and events in progress) and the events list (tabs, search, paging).
import { get } from './api.js';
import { render, esc, badge, num, day } from './ui.js';
import { roi as roiText } from './money.js';

function eventItem(e) {
  const title = e.title || `${e.objective} 이벤트 (작성중)`;
  const href = e.status === 'DRAFT' ? `#/new/1?resume=${encodeURIComponent(e.eventId)}` : `#/events/${encodeURIComponent(e.eventId)}`;
  return `<li><a class="item" href="${esc(href)}"><span class="row spread"><span class="item-title">${esc(title)}</span>${badge(e.status)}</span>
    <span class="muted small">${esc(e.objective)} · ${e.startDate ? esc(day(e.startDate)) + ' ~ ' + esc(day(e.endDate)) : '기간 미정'}</span></a></li>`;
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
  const roi = s.roi ?? s.estimatedRoi;
  render(`<h1>${esc(me.storeName)} 사장님, 안녕하세요</h1>
    <section class="kpis" aria-label="요약 지표">
      <div class="kpi"><span class="value">${num(counts.ACTIVE)}</span><span class="name">진행중 이벤트</span></div>
      <div class="kpi"><span class="value">${num(board.totalCount)}</span><span class="name">전체 이벤트</span></div>
      <div class="kpi"><span class="value">${participants == null ? '-' : num(participants)}</span><span class="name">총 참여자</span></div>
      <div class="kpi"><span class="value">${views == null ? '-' : num(views)}</span><span class="name">총 노출</span></div>
    </section>
    ${stats ? `<p class="muted small" id="home-roi">평균 예상 ROI ${esc(roiText(roi))}</p>` : ''}
    <a class="button primary block" href="#/new">+ 새 이벤트 만들기</a>
    <a class="button block mt-8" id="home-coupons" href="#/coupons">당첨 쿠폰 사용 처리</a>
    <section class="card mt-12" aria-labelledby="active-title">
      <div class="row spread"><h2 id="active-title">진행중인 이벤트</h2><a href="#/events?status=ACTIVE">전체 보기</a></div>
      ${active.length ? `<ul class="list">${active.map(eventItem).join('')}</ul>` : '<p class="empty">진행중인 이벤트가 없습니다. 첫 이벤트를 만들어 보세요!</p>'}
    </section>
    ${drafts.length ? `<section class="card" aria-labelledby="draft-title"><h2 id="draft-title">작성중인 이벤트</h2><ul class="list">${drafts.map(eventItem).join('')}</ul></section>` : ''}`, '홈');
}

const TABS = [['ACTIVE', '진행중'], ['DRAFT', '예정'], ['ENDED', '종료'], ['', '전체']];
const SIZE = 10;

export async function listScreen(query) {
  const status = query.has('status') ? query.get('status') : 'ACTIVE';
  const q = query.get('q') || '';
  const page = Math.max(0, Number(query.get('page')) || 0);
  const params = new URLSearchParams({ page, size: SIZE });
  if (status) params.set('status', status);
  if (q) params.set('q', q);
  const data = await get('/api/events?' + params);
  const go = (over) => {
    const p = new URLSearchParams({ status, q, page, ...over });
    return '#/events?' + p;
  };
  const m = render(`<h1>이벤트</h1>
    <div class="tabs" role="tablist" aria-label="상태">${TABS.map(([v, l]) =>
      `<button role="tab" type="button" data-status="${v}" aria-selected="${v === status}">${l}</button>`).join('')}</div>
    <form class="row" id="search" role="search">
      <label for="q" class="skip">이벤트 검색</label>
      <input id="q" name="q" type="search" value="${esc(q)}" placeholder="제목·매장 검색" class="grow">
      <button type="submit">검색</button></form>
    <section class="card mt-12" aria-live="polite">
      <p class="muted small">총 ${num(data.totalCount)}건</p>
      ${data.items.length ? `<ul class="list">${data.items.map(eventItem).join('')}</ul>` : '<p class="empty">조건에 맞는 이벤트가 없습니다.</p>'}
      <nav class="pager" aria-label="페이지">
        <a class="button" href="${go({ page: page - 1 })}" ${page <= 0 ? 'aria-disabled="true" hidden' : ''}>이전</a>
        <span class="muted small">${page + 1} / ${Math.max(1, data.totalPages)}</span>
        <a class="button" href="${go({ page: page + 1 })}" ${page + 1 >= data.totalPages ? 'aria-disabled="true" hidden' : ''}>다음</a>
      </nav></section>`, '이벤트 목록');
  m.querySelectorAll('[data-status]').forEach((b) => b.addEventListener('click', () => { location.hash = go({ status: b.dataset.status, page: 0 }); }));
  m.querySelector('#search').addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = go({ q: e.target.q.value.trim(), page: 0 });
  });
}
