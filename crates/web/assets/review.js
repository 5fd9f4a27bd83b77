// Wizard step 6: review everything, publish, and follow each channel's result
// (a failed channel can be retried alone).
import { get, post } from './api.js';
import { esc, num, CHANNELS, showApiError, toast } from './ui.js';
import { kday } from './dates.js';
import { costList } from './money.js';

/** One line per channel: its state, views and a retry button when it failed. */
export function channelRows(results, { retry = true } = {}) {
  return `<ul class="list" id="channel-results">${results.map((r) => {
    const status = r.status || (r.success ? 'SUCCESS' : 'FAILED');
    const failed = status === 'FAILED' || r.success === false;
    return `<li class="row spread" data-channel="${esc(r.channel)}"><span><strong>${esc(CHANNELS[r.channel] || r.channel)}</strong>
      <span class="muted small">${failed ? esc(r.message || r.lastError || '배포 실패') : `예상 노출 ${num(r.estimatedViews)}명`}</span>
      ${r.postUrl ? `<a class="small" href="${esc(r.postUrl)}" target="_blank" rel="noopener">게시물 보기</a>` : ''}</span>
      <span class="row"><span class="badge ${failed ? 'FAILED' : esc(status)}">${failed ? '실패' : status === 'SUCCESS' ? '완료' : '배포중'}</span>
      ${failed && retry ? `<button type="button" class="retry" data-channel="${esc(r.channel)}">재시도</button>` : ''}</span></li>`;
  }).join('')}</ul>`;
}

/** Retries one channel, then answers the channels' current status. */
export async function retryChannel(eventId, channel) {
  const base = `/api/distribution/${encodeURIComponent(eventId)}`;
  await post(base + '/retry', { channels: [channel] });
  const s = await get(base + '/status');
  return s.channels || s.channelResults || [];
}

/** Wires the retry buttons inside `root` to redraw with fresh results. */
export function wireRetry(root, eventId, redraw) {
  root.querySelectorAll('button.retry').forEach((b) => b.addEventListener('click', async () => {
    b.disabled = true;
    b.textContent = '재시도 중…';
    try {
      redraw(await retryChannel(eventId, b.dataset.channel));
      toast(`${CHANNELS[b.dataset.channel] || b.dataset.channel} 재시도를 마쳤습니다`);
    } catch (err) {
      b.disabled = false;
      b.textContent = '재시도';
      toast(err.message);
    }
  }));
}

export const reviewStep = {
  name: '검토 및 게시', short: '게시',
  async show(ctx) {
    const { state, body } = ctx;
    const e = await get(`/api/events/${encodeURIComponent(state.eventId)}`);
    if (e.status === 'ACTIVE') { reviewStep.done(ctx, e.distributionResults || []); return; }
    const c = e.content || {};
    body.innerHTML = `<div class="grid two"><div class="preview">${c.imageUrl ? `<img src="${esc(c.imageUrl)}" alt="홍보 이미지">` : ''}</div>
      <dl class="facts"><div><dt>목적</dt><dd>${esc(e.objective)}</dd></div>
      <div><dt>제목</dt><dd>${esc(c.title || e.title)}</dd></div>
      <div><dt>경품</dt><dd>${esc(c.prizeText || e.prize)}</dd></div>
      <div><dt>기간</dt><dd>${esc(kday(e.startDate))} ~ ${esc(kday(e.endDate))}</dd></div>
      <div><dt>채널</dt><dd>${(e.channels || []).map((x) => esc(CHANNELS[x] || x)).join(', ')}</dd></div></dl></div>
      <section class="card" aria-labelledby="cost-title"><h3 id="cost-title">예상 비용</h3>${costList(e.cost, 'review-cost')}
        <p class="muted small">게시 후 대시보드의 투자 비용도 이 금액으로 계산됩니다 (배포에 실패한 채널은 빠집니다).</p></section>
      <div class="field check"><input id="verifyPhone" name="verifyPhone" type="checkbox">
        <label for="verifyPhone">응모할 때 휴대폰 인증 받기 <span class="muted small">(문자 인증번호 확인 후에만 응모가 접수되어 중복·허위 응모를 막습니다. 게시 후에는 바꿀 수 없습니다)</span></label></div>
      <p class="muted small">게시하면 선택한 채널에 동시에 배포되고 고객 응모를 받기 시작합니다.</p>
      <div id="publish-progress" aria-live="polite"></div>`;
    state.reviewChannels = e.channels || [];
  },
  done(ctx, results) {
    const { body, state } = ctx;
    const draw = (rs) => {
      const fails = rs.filter((r) => r.status === 'FAILED' || r.success === false).length;
      body.innerHTML = `<p role="status" class="${fails ? 'error' : ''}">${fails ? `${fails}개 채널 배포에 실패했습니다. 재시도할 수 있습니다.` : '모든 채널에 배포되었습니다!'}</p>
        ${channelRows(rs)}<a class="button primary block" id="to-detail" href="#/events/${encodeURIComponent(state.eventId)}">이벤트 상세 보기</a>`;
      wireRetry(body, state.eventId, draw);
    };
    draw(results);
    ctx.next.hidden = true;
    const back = ctx.form.querySelector('#back');
    if (back) back.hidden = true;
  },
  async submit(ctx) {
    const { state, body, form } = ctx;
    const progress = body.querySelector('#publish-progress');
    progress.innerHTML = `<ul class="list">${(state.reviewChannels || []).map((c) => `<li class="row spread"><strong>${esc(CHANNELS[c] || c)}</strong><span class="badge PROCESSING">배포중…</span></li>`).join('')}</ul>`;
    ctx.next.textContent = '게시 중…';
    try {
      const verifyPhone = !!form.querySelector('#verifyPhone')?.checked;
      const a = await post(`/api/events/${encodeURIComponent(state.eventId)}/publish`, { verifyPhone });
      reviewStep.done(ctx, a.distributionResults || []);
      state.published = state.eventId;
      return false;
    } catch (err) {
      progress.innerHTML = '';
      ctx.next.textContent = err.code === 'EVENT_005' ? '다시 게시하기' : '게시하기';
      showApiError(form, err, {});
      return false;
    }
  },
};
