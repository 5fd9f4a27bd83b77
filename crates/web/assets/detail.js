// Event detail: status, distribution per channel, entry links and QR codes,
// participants, the winner draw with its certificate, and the dashboard.
import { get, post, download } from './api.js';
import { render, esc, badge, num, won, day, when, CHANNELS, validate, showApiError, toast } from './ui.js';
import { channelRows, wireRetry } from './review.js';
import { barChart, lineChart, stackChart } from './charts.js';

const SIZE = 10;

export async function detailScreen(id) {
  const enc = encodeURIComponent(id);
  const e = await get('/api/events/' + enc);
  const c = e.content || {};
  const title = c.title || e.title || `${e.objective} 이벤트`;
  const m = render(`<p><a href="#/events">← 이벤트 목록</a></p>
    <section class="card"><div class="row spread"><h1 style="margin:0">${esc(title)}</h1>${badge(e.status)}</div>
      <p class="muted">${esc(e.objective)} · ${esc(day(e.startDate))} ~ ${esc(day(e.endDate))} · 경품 ${esc(c.prizeText || e.prize || '-')}</p>
      ${c.imageUrl ? `<img src="${esc(c.imageUrl)}" alt="홍보 이미지" style="max-width:240px;border-radius:10px">` : ''}
      ${e.status === 'ACTIVE' ? '<button type="button" class="danger" id="end">이벤트 종료</button>' : ''}
      ${e.status === 'DRAFT' ? `<a class="button primary" href="#/new/1?resume=${enc}">이어서 만들기</a>` : ''}</section>
    <section class="card" aria-labelledby="dist-title"><h2 id="dist-title">채널별 배포 현황</h2><div id="dist"><p class="muted">불러오는 중…</p></div></section>
    <section class="card" aria-labelledby="links-title"><h2 id="links-title">응모 링크와 QR 코드</h2><ul class="list links" id="links"></ul></section>
    <section class="card" aria-labelledby="parts-title"><div class="row spread"><h2 id="parts-title">참여자</h2><button type="button" id="csv">CSV 다운로드</button></div><div id="parts"></div></section>
    <section class="card" aria-labelledby="draw-title"><h2 id="draw-title">당첨자 추첨</h2><div id="draw"></div></section>
    <section class="card" aria-labelledby="anal-title"><h2 id="anal-title">성과 대시보드</h2><div id="analytics"><p class="muted">불러오는 중…</p></div></section>`, title);

  const endBtn = m.querySelector('#end');
  if (endBtn) endBtn.addEventListener('click', async () => {
    if (!confirm('이벤트를 종료할까요? 종료 후에는 응모를 받지 않습니다.')) return;
    try { await post(`/api/events/${enc}/end`); toast('이벤트를 종료했습니다'); detailScreen(id); } catch (err) { toast(err.message); }
  });
  links(m, e);
  m.querySelector('#csv').addEventListener('click', () => download(`/api/events/${enc}/participants.csv`, `participants-${id}.csv`).catch((err) => toast(err.message)));
  await Promise.all([distribution(m, e), participants(m, id, 0), draw(m, id), analytics(m, id)]);
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
  box.innerHTML = `<p class="muted small">총 ${num(data.totalCount)}명 (개인정보는 가려서 표시합니다)</p>
    ${data.items.length ? `<div class="table-wrap"><table><thead><tr><th scope="col">번호</th><th scope="col">이름</th><th scope="col">연락처</th><th scope="col">채널</th><th scope="col">방문</th><th scope="col">응모 시각</th></tr></thead><tbody>
      ${data.items.map((p) => `<tr><td>${esc(p.entryNumber)}</td><td>${esc(p.name)}</td><td>${esc(p.phoneNumber)}</td><td>${esc(CHANNELS[p.channel] || p.channel || '-')}</td><td>${p.storeVisited ? '예' : '-'}</td><td>${when(p.registeredAt)}</td></tr>`).join('')}
    </tbody></table></div>` : '<p class="empty">아직 참여자가 없습니다.</p>'}
    <nav class="pager" aria-label="참여자 페이지"><button type="button" id="p-prev" ${page <= 0 ? 'disabled' : ''}>이전</button>
      <span class="muted small">${page + 1} / ${Math.max(1, data.totalPages)}</span>
      <button type="button" id="p-next" ${page + 1 >= data.totalPages ? 'disabled' : ''}>다음</button></nav>`;
  box.querySelector('#p-prev').addEventListener('click', () => participants(m, id, page - 1));
  box.querySelector('#p-next').addEventListener('click', () => participants(m, id, page + 1));
}

function certificate(w) {
  const log = w.drawLog || {};
  return `<ol class="list" id="winners">${(w.winners || []).map((x) => { const p = x.participant || x; return `<li>${esc(x.rank)}등 · <strong>${esc(p.name)}</strong> ${esc(p.phoneNumber)} <span class="muted small">응모 #${esc(p.entryNumber)}</span></li>`; }).join('')}</ol>
    <h3>추첨 증명서</h3><dl class="certificate" id="certificate">
      <dt>추첨 시각</dt><dd>${when(log.drawnAt)}</dd><dt>알고리즘</dt><dd>${esc(log.algorithm)}</dd>
      <dt>응모 수 / 당첨 수</dt><dd>${num(log.entryCount)} / ${num(log.winnerCount)}</dd>
      <dt>매장 방문 가산점</dt><dd>${log.applyStoreVisitBonus ? `적용 (방문 ${esc(log.weights && log.weights.storeVisitor)} : 기타 ${esc(log.weights && log.weights.other)})` : '미적용'}</dd>
      <dt>시드</dt><dd>${esc(log.seed)}</dd><dt>응모 목록 다이제스트</dt><dd>${esc(log.entryDigest)}</dd></dl>`;
}

async function draw(m, id) {
  const box = m.querySelector('#draw');
  const enc = encodeURIComponent(id);
  try {
    box.innerHTML = certificate(await get(`/api/events/${enc}/winners`));
    return;
  } catch (err) { if (err.status !== 404 && err.status !== 409) { box.innerHTML = `<p class="muted">${esc(err.message)}</p>`; return; } }
  box.innerHTML = `<form id="draw-form" novalidate>
    <div class="field"><label for="winnerCount">당첨자 수</label><input id="winnerCount" name="winnerCount" type="number" inputmode="numeric" min="1" value="1" aria-describedby="winnerCount-error"><p class="error" id="winnerCount-error" aria-live="polite"></p></div>
    <div class="field check"><input id="applyStoreVisitBonus" name="applyStoreVisitBonus" type="checkbox" checked><label for="applyStoreVisitBonus">매장 방문 고객 가산점 적용</label></div>
    <p class="error form-error" role="alert"></p><button class="primary" type="submit">추첨하기</button></form>
    <dialog id="confirm-draw" aria-labelledby="confirm-title"><form method="dialog"><h3 id="confirm-title">추첨을 진행할까요?</h3>
      <p>추첨은 이벤트당 한 번만 할 수 있고 결과는 바꿀 수 없습니다.</p>
      <div class="actions"><button value="cancel">취소</button><button class="primary" value="ok" id="confirm-ok">추첨 확정</button></div></form></dialog>`;
  const form = box.querySelector('#draw-form');
  const dialog = box.querySelector('#confirm-draw');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!validate(form, { winnerCount: (v) => (/^\d+$/.test(v) && Number(v) >= 1 ? '' : '당첨자 수는 1 이상의 숫자로 입력해 주세요') })) return;
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'ok') return;
    try {
      const w = await post(`/api/events/${enc}/draw-winners`, { winnerCount: Number(form.winnerCount.value), applyStoreVisitBonus: form.applyStoreVisitBonus.checked });
      box.innerHTML = certificate(w);
      toast('추첨을 마쳤습니다');
    } catch (err) { showApiError(form, err, { PART_005: 'winnerCount' }); }
  });
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
  const parts = [{ label: '경품', value: inv.prize }, { label: '콘텐츠', value: inv.content },
    ...(inv.channels || []).map((x) => ({ label: CHANNELS[x.channel] || x.channel, value: x.cost }))].filter((p) => p.value > 0);
  box.innerHTML = `<div class="kpis">
      <div class="kpi"><span class="value">${num(s.totalParticipants)}</span><span class="name">참여자 (목표 ${num(s.targetParticipants)}, 달성 ${pct(s.achievementRate)})</span></div>
      <div class="kpi"><span class="value">${num(s.totalViews)}</span><span class="name">총 노출</span></div>
      <div class="kpi"><span class="value">${pct(s.estimatedRoi)}</span><span class="name">예상 ROI (업종 평균 ${pct(s.industryAverageRoi)})</span></div>
      <div class="kpi"><span class="value">${won(s.expectedSalesIncrease)}</span><span class="name">예상 매출 증가</span></div></div>
    <h3>채널별 참여자</h3><div class="chart">${barChart(channels.map((c) => ({ label: c.channelName || c.channel, value: c.participants })), { title: '채널별 참여자 수' })}</div>
    <h3>채널별 노출</h3><div class="chart">${barChart(channels.map((c) => ({ label: c.channelName || c.channel, value: c.views, color: '#2f80ed' })), { title: '채널별 노출 수' })}</div>
    <h3>시간대별 참여</h3><div class="chart">${lineChart((d.timeline || []).map((p) => ({ label: String(p.hour).slice(11, 13) + '시', value: p.participants })), { title: '시간대별 참여 추이' })}</div>
    <h3>투자 구성과 ROI</h3><div class="chart">${stackChart(parts, { title: 'ROI 투자 구성' })}</div>
    <p class="small muted">${esc(roi.formula || 'ROI = (예상 매출 − 투자) ÷ 투자 × 100')}: 예상 매출 ${won(roi.revenue && roi.revenue.expectedRevenue)}, 투자 ${won(inv.total)} → ${pct(roi.roi)}</p>`;
}
