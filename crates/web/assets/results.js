// The 성과 tab: the event's dashboard (estimates, measured visits, charts),
// kept current while it is open.
import { get } from './api.js';
import { esc, num, won, channelName, live } from './ui.js';
import { barChart, lineChart, stackChart } from './charts.js';
import { roi as roiText, ROI_FORMULA } from './money.js';

/** What was measured after the draw (notices, visits at the counter, ROI), beside the estimates. */
function measured(x, pct) {
  if (!x) return '';
  const visits = (x.visitsByChannel || []).filter((v) => v.storeVisits > 0)
    .map((v) => `${esc(channelName(v.channel))} ${num(v.storeVisits)}명`).join(', ');
  return `<h3 id="measured-title">측정된 성과</h3><div class="kpis" id="measured">
      <div class="kpi"><span class="value">${num(x.storeVisits)}명</span><span class="name">방문 확인 (쿠폰 사용)</span></div>
      <div class="kpi"><span class="value">${num(x.claims)}명</span><span class="name">쿠폰 확인 (당첨 페이지 열람)</span></div>
      <div class="kpi"><span class="value">${x.roi == null ? '집계 중' : pct(x.roi)}</span><span class="name">측정 ROI</span></div>
      <div class="kpi"><span class="value">${num(x.noticesSent)} / ${num(x.noticesDelivered)} / ${num(x.noticesFailed)}</span><span class="name">안내 발송 / 도착 / 실패</span></div>
      <div class="kpi"><span class="value">${won(x.revenue)}</span><span class="name">측정 매출 (방문 1회 ${won(x.spendPerVisit)})</span></div></div>
    ${visits ? `<p class="small">채널별 방문: ${visits}</p>` : ''}
    <p class="small muted" id="measured-formula">${esc(x.formula || '')}<br>${x.roi == null ? '쿠폰이 한 장 이상 사용되면 계산돼요.' : `이번 이벤트: (${won(x.revenue)} − ${won(x.investment)}) ÷ ${won(x.investment)} × 100 = ${pct(x.roi)}`}</p>`;
}

/**
 * The investment and ROI block. Money's one cost model (money.js) owns these
 * figures; this is the one call to point at it.
 */
function investment(roi) {
  const inv = roi.investment || {};
  const parts = (inv.items || []).map((x) => ({ label: x.label, value: x.amount })).filter((p) => p.value > 0);
  return `<h3>투자 구성과 ROI</h3><div class="chart">${stackChart(parts, { title: 'ROI 투자 구성' })}</div>
    <p class="small muted" id="roi-formula">${esc(roi.formula || ROI_FORMULA)}: 예상 매출 ${won(roi.revenue && roi.revenue.expectedRevenue)}, 투자 비용 <span id="investment-total">${won(inv.total)}</span> → ${roiText(roi.roi)}</p>`;
}

/** One read of the dashboard into `box`; answers false when there is none yet. */
async function dashboard(box, id) {
  let d;
  try { d = await get(`/api/analytics/events/${encodeURIComponent(id)}/dashboard`); } catch (err) {
    if (err.status !== 404) throw err;
    box.innerHTML = '<p class="muted">게시 후 데이터가 모이면 대시보드가 표시됩니다.</p>';
    return false;
  }
  const s = d.summary || {};
  const pct = (v) => (v == null ? '집계 중' : `${Math.round(v * 10) / 10}%`);
  const channels = d.channelPerformance || [];
  box.innerHTML = `<div class="kpis">
      <div class="kpi"><span class="value" id="kpi-participants">${num(s.totalParticipants)}명</span><span class="name">참여자 (목표 ${num(s.targetParticipants)}명, 달성 ${pct(s.achievementRate)})</span></div>
      <div class="kpi"><span class="value">${num(s.totalViews)}회</span><span class="name">총 노출</span></div>
      <div class="kpi"><span class="value">${s.totalParticipants ? pct(s.estimatedRoi) : '집계 중'}</span><span class="name">예상 ROI (업종 평균 ${pct(s.industryAverageRoi)})</span></div>
      <div class="kpi"><span class="value">${won(s.expectedSalesIncrease)}</span><span class="name">예상 매출 증가</span></div></div>
    ${measured(d.measured, pct)}
    <h3>채널별 참여자</h3><div class="chart">${barChart(channels.map((c) => ({ label: channelName(c.channel), value: c.participants })), { title: '채널별 참여자 수' })}</div>
    <h3>채널별 노출</h3><div class="chart">${barChart(channels.map((c) => ({ label: channelName(c.channel), value: c.views, color: '#2f80ed' })), { title: '채널별 노출 수' })}</div>
    <h3>시간대별 참여</h3><div class="chart">${lineChart((d.timeline || []).map((p) => ({ label: String(p.hour).slice(11, 13) + '시', value: p.participants })), { title: '시간대별 참여 추이' })}</div>
    ${investment(d.roi || {})}`;
  return true;
}

/** The 성과 tab, refreshed every few seconds while it is open and visible. */
export async function analytics(box, id, stamp) {
  try { await dashboard(box, id); } catch (err) { box.innerHTML = `<p class="muted">${esc(err.message)}</p>`; }
  live(() => dashboard(box, id), { stamp });
}
