// The six wizard steps. Each has show(ctx) to draw into ctx.body and
// submit(ctx) that saves to the API and answers whether to move on.
import { get, post, put, del, poll } from './api.js';
import { esc, won, num, day, OBJECTIVES, STYLES, PLATFORMS, showApiError, fieldError, validate } from './ui.js';
import { photoPicker, wirePhotos } from './photos.js';
import { channelsStep } from './channels.js';
import { reviewStep } from './review.js';

const api = (ctx, tail) => `/api/events/${encodeURIComponent(ctx.state.eventId)}${tail}`;

function pressable(root, selector, onPick) {
  root.querySelectorAll(selector).forEach((b) => b.addEventListener('click', () => {
    root.querySelectorAll(selector).forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
    onPick(b);
  }));
}

const objectiveStep = {
  name: '이벤트 목적 선택', short: '목적',
  async show(ctx) {
    const { state } = ctx;
    ctx.body.innerHTML = `${state.eventId ? `<p class="muted small">작성중인 이벤트를 이어서 만들고 있습니다. <a href="#/new/1?fresh">새로 시작</a></p>` : ''}
      <p class="muted">이번 이벤트로 무엇을 이루고 싶으신가요? 매장 정보는 내 정보에서 가져옵니다.</p>
      <div role="group" aria-label="이벤트 목적" id="objective">${OBJECTIVES.map((o) => `
        <button type="button" class="choice" data-value="${esc(o.value)}" aria-pressed="${o.value === state.objective}">
          <span class="title">${esc(o.value)}</span><span>${esc(o.desc)}</span><span class="effect">${esc(o.effect)}</span></button>`).join('')}</div>
      <p class="error" id="objective-error" aria-live="polite"></p>`;
    pressable(ctx.body, '.choice', (b) => { state.objective = b.dataset.value; ctx.save(); });
  },
  async submit(ctx) {
    const { state, form } = ctx;
    if (!state.objective) { fieldError(form, 'objective', '이벤트 목적을 선택해 주세요'); return false; }
    if (state.eventId && state.draftObjective === state.objective) return true;
    try {
      const me = await get('/api/users/me');
      const d = await post('/api/events/purposes', { userId: me.userId, objective: state.objective,
        storeName: me.storeName, industry: me.industry, address: me.address });
      // A draft left before any plan was picked holds nothing of the owner's: it goes.
      if (state.eventId && state.eventId !== d.eventDraftId && !state.option) {
        del(api(ctx, '')).catch(() => { /* it stays in the drafts list, where it can be deleted */ });
      }
      // A new draft starts clean: no plan, dates, texts or channels of any earlier event.
      const fresh = { eventId: d.eventDraftId, objective: state.objective, draftObjective: state.objective };
      Object.keys(state).forEach((k) => { delete state[k]; });
      Object.assign(state, fresh);
      return true;
    } catch (err) {
      showApiError(form, err, { EVENT_001: 'objective' });
      if (err.code === 'EVENT_002') fieldError(form, null, err.message + ' (내 정보에서 매장 정보를 입력해 주세요)');
      return false;
    }
  },
};

/** What the plan's customer figure counts, by the event's objective (재방문 plans bring back, not new). */
function gainLabel(r, objective) {
  const o = objective || '';
  if (/재방문/.test(o) || /재방문/.test(r.targetAudience || '')) return '예상 재방문 고객';
  if (/인지도/.test(o)) return '예상 참여 고객';
  if (/매출/.test(o)) return '예상 방문 고객';
  return '예상 신규 고객';
}

function planCard(r, chosen, objective) {
  const cost = r.estimatedCost || {};
  const m = r.expectedMetrics || {};
  const level = ['', '저비용', '중비용', '고비용'][r.optionNumber] || r.costLevel || '';
  return `<button type="button" class="choice plan" data-option="${esc(r.optionNumber)}" aria-pressed="${chosen === r.optionNumber}">
    <span class="badge">${esc(level)}</span><span class="title">${esc(r.title)}</span>
    <span class="small">${esc(r.description)}</span>
    <dl><dt>경품</dt><dd>${esc(r.prize)}</dd>
      <dt>기간</dt><dd>${esc(r.duration && r.duration.recommendedDays)}일</dd>
      <dt>방식</dt><dd>${esc(r.mechanics && r.mechanics.details)}</dd>
      <dt>예산</dt><dd>${won(cost.min)} ~ ${won(cost.max)}</dd>
      <dt>${esc(gainLabel(r, objective))}</dt><dd>${num(m.newCustomers)}명</dd>
      <dt>예상 ROI</dt><dd><strong>${esc(m.roi)}%</strong></dd></dl></button>`;
}

function trends(t) {
  if (!t) return '';
  const part = (label, list) => (list && list.length ? `<h3>${label}</h3><ul class="trend">${list.map((x) =>
    `<li><strong>${esc(x.keyword)}</strong> <span class="muted small">(관련도 ${Math.round((x.relevance || 0) * 100)}%)</span> ${esc(x.description)}</li>`).join('')}</ul>` : '');
  return `<section aria-label="트렌드 분석"><h3 class="muted">AI 트렌드 분석</h3>${part('업종 트렌드', t.industryTrends)}${part('지역 트렌드', t.regionalTrends)}${part('시즌 트렌드', t.seasonalTrends)}</section>`;
}

const aiStep = {
  name: 'AI 이벤트 추천', short: 'AI 추천',
  async show(ctx) {
    const { state, body } = ctx;
    const path = api(ctx, '/ai-recommendations');
    let job = null;
    try { job = await get(path); } catch (err) { if (![404, 409].includes(err.status)) throw err; }
    if (!job || job.status === 'FAILED' && state.retryAi) {
      state.retryAi = false;
      job = await post(path, {});
    }
    const working = (j) => {
      body.innerHTML = `<div role="status" aria-live="polite" class="loading"><div class="spinner" aria-hidden="true"></div>
        <p id="ai-progress">AI가 업종·지역·시즌 트렌드를 분석하고 있습니다… (${esc(j.status === 'PROCESSING' ? '분석중' : '대기중')})</p></div>`;
    };
    if (!['COMPLETED', 'FAILED'].includes(job.status)) {
      working(job);
      ctx.next.disabled = true;
      job = await poll(path, (j) => ['COMPLETED', 'FAILED'].includes(j.status), { onTick: working });
      ctx.next.disabled = false;
    }
    if (job.status === 'FAILED') {
      body.innerHTML = `<p class="error" role="alert">AI 추천을 만들지 못했습니다: ${esc(job.reason || '알 수 없는 오류')}</p>
        <button type="button" id="retry-ai">다시 요청하기</button>`;
      body.querySelector('#retry-ai').addEventListener('click', () => { state.retryAi = true; aiStep.show(ctx); });
      return;
    }
    const recs = job.recommendations || [];
    body.innerHTML = `${trends(job.trendAnalysis)}<h3>추천 이벤트 3가지</h3>
      <div class="plans" role="group" id="option" aria-label="추천 이벤트">${recs.map((r) => planCard(r, state.option, state.objective)).join('')}</div>
      <p class="error" id="option-error" aria-live="polite"></p>
      <div class="grid two"><div class="field"><label for="startDate">시작일</label><input id="startDate" name="startDate" type="date" value="${esc(day(state.startDate) === '-' ? '' : day(state.startDate))}" aria-describedby="startDate-error"><p class="error" id="startDate-error"></p></div>
      <div class="field"><label for="endDate">종료일</label><input id="endDate" name="endDate" type="date" value="${esc(day(state.endDate) === '-' ? '' : day(state.endDate))}" aria-describedby="endDate-error"><p class="error" id="endDate-error"></p></div></div>
      <p class="hint">비워 두면 추천 기간을 그대로 사용합니다.</p>`;
    state.recs = recs.map((r) => ({ optionNumber: r.optionNumber, title: r.title, prize: r.prize }));
    pressable(body, '.plan', (b) => { state.option = Number(b.dataset.option); ctx.save(); });
  },
  keep(ctx) {
    if (ctx.form.startDate) { ctx.state.startDate = ctx.form.startDate.value; ctx.state.endDate = ctx.form.endDate.value; }
  },
  async submit(ctx) {
    const { state, form } = ctx;
    if (!form.startDate) return false;
    aiStep.keep(ctx);
    const ok = validate(form, {
      option: () => (state.option ? '' : '추천 이벤트 중 하나를 선택해 주세요'),
      endDate: () => (state.startDate && state.endDate && state.endDate < state.startDate ? '종료일은 시작일 이후여야 합니다' : ''),
    });
    if (!ok) return false;
    try {
      const body = { optionNumber: state.option };
      if (state.startDate) body.startDate = state.startDate;
      if (state.endDate) body.endDate = state.endDate;
      const e = await put(api(ctx, '/recommendation'), body);
      const pick = (state.recs || []).find((r) => r.optionNumber === state.option) || {};
      state.title = e.title || pick.title || state.title;
      state.prize = e.prize || pick.prize || state.prize;
      return true;
    } catch (err) {
      showApiError(form, err, { EVENT_012: (e) => (/종료|끝/.test(e.message) ? 'endDate' : /시작/.test(e.message) ? 'startDate' : 'option') });
      return false;
    }
  },
};

const imageStep = {
  name: '홍보 이미지 선택', short: '이미지',
  async show(ctx) {
    const { state, body } = ctx;
    const path = api(ctx, '/images');
    let job = null;
    try { job = await get(path); } catch (err) { if (![404, 409].includes(err.status)) throw err; }
    if (!job || !job.jobId || job.status === 'FAILED' && state.retryImages) {
      state.retryImages = false;
      await post(path, {});
      job = { status: 'PENDING', images: [] };
    }
    if (!['COMPLETED', 'FAILED'].includes(job.status)) {
      body.innerHTML = `<div role="status" aria-live="polite" class="loading"><div class="spinner" aria-hidden="true"></div><p>심플·화려한·트렌디 세 가지 스타일로 이미지를 만들고 있습니다…</p></div>`;
      ctx.next.disabled = true;
      job = await poll(path, (j) => ['COMPLETED', 'FAILED'].includes(j.status));
      ctx.next.disabled = false;
    }
    if (job.status === 'FAILED') {
      body.innerHTML = `<p class="error" role="alert">이미지를 만들지 못했습니다: ${esc(job.reason || '')}</p><button type="button" id="retry-img">다시 만들기</button>`;
      body.querySelector('#retry-img').addEventListener('click', () => { state.retryImages = true; imageStep.show(ctx); });
      return;
    }
    const byPlatform = {};
    for (const img of job.images) (byPlatform[img.platform] ||= []).push(img);
    body.innerHTML = `<p class="muted">마음에 드는 이미지를 눌러 선택하세요.</p>${Object.entries(byPlatform).map(([p, imgs]) => `
      <h3>${esc(PLATFORMS[p] || p)} <span class="muted small">${esc(imgs[0].width)}×${esc(imgs[0].height)}</span></h3>
      <div class="images" role="group" aria-label="${esc(PLATFORMS[p] || p)} 이미지">${imgs.map((i) => `
        <button type="button" class="choice" data-id="${esc(i.imageId)}" data-url="${esc(i.url)}" aria-pressed="${i.imageId === state.imageId}">
          <img src="${esc(i.url)}" alt="${esc(STYLES[i.style] || i.style)} 스타일 ${esc(PLATFORMS[p] || p)} 이미지" loading="lazy">${esc(STYLES[i.style] || i.style)}</button>`).join('')}</div>`).join('')}
      <p class="error" id="imageId-error" aria-live="polite"></p>`;
    pressable(body, '.choice', (b) => { state.imageId = b.dataset.id; state.imageUrl = b.dataset.url; ctx.save(); });
  },
  async submit(ctx) {
    const { state, form } = ctx;
    if (!state.imageId) { fieldError(form, 'imageId', '이미지를 하나 선택해 주세요'); return false; }
    try {
      const e = await put(api(ctx, '/content'), { imageId: state.imageId });
      if (e.content) Object.assign(state, { imageUrl: e.content.imageUrl, title: e.content.title || state.title,
        prize: e.content.prizeText || state.prize, caption: e.content.caption || state.caption });
      return true;
    } catch (err) { showApiError(form, err, { EVENT_013: 'imageId', EVENT_011: 'imageId' }); return false; }
  },
};

async function waitRendered(ctx) {
  const done = await poll(api(ctx, ''), (e) => !(e.content && e.content.renderingJobId), { ms: 600 });
  return done.content;
}

const contentStep = {
  name: '내용 편집', short: '편집',
  async show(ctx) {
    const { state, body } = ctx;
    body.innerHTML = `<div class="grid two"><div class="preview" aria-live="polite"><img id="preview" src="${esc(state.imageUrl || '')}" alt="선택한 홍보 이미지 미리보기"><p class="muted small" id="render-state"></p></div><div>
      <div class="field"><label for="title">이벤트 제목</label><input id="title" name="title" maxlength="60" value="${esc(state.title)}" required aria-describedby="title-error"><p class="error" id="title-error"></p></div>
      <div class="field"><label for="prizeText">경품</label><input id="prizeText" name="prizeText" maxlength="60" value="${esc(state.prize)}" required aria-describedby="prizeText-error"><p class="error" id="prizeText-error"></p></div>
      <div class="field"><label for="caption">홍보 문구 (SNS 본문)</label><textarea id="caption" name="caption" maxlength="2000" aria-describedby="caption-error">${esc(state.caption)}</textarea><p class="error" id="caption-error"></p></div>
      <div id="photo-box"></div>
      <button type="button" id="rerender">미리보기 갱신</button></div></div>`;
    body.querySelector('#rerender').addEventListener('click', () => contentStep.apply(ctx));
    // The owner's photos, with what is already uploaded (an older server has none).
    const e = await get(api(ctx, '')).catch(() => ({}));
    const box = body.querySelector('#photo-box');
    box.innerHTML = photoPicker(e.photos);
    wirePhotos(box, state.eventId);
  },
  keep(ctx) {
    const f = ctx.form;
    if (f.title) Object.assign(ctx.state, { title: f.title.value.trim(), prize: f.prizeText.value.trim(), caption: f.caption.value.trim() });
  },
  /** Saves the text; a changed title or prize re-renders the image, so wait for it. */
  async apply(ctx) {
    const { form, state } = ctx;
    const ok = validate(form, { title: (v) => (v ? '' : '제목을 입력해 주세요'), prizeText: (v) => (v ? '' : '경품을 입력해 주세요') });
    if (!ok) return false;
    contentStep.keep(ctx);
    const status = form.querySelector('#render-state');
    try {
      let e = await put(api(ctx, '/content'), { imageId: state.imageId, title: state.title, prizeText: state.prize, caption: state.caption });
      let content = e.content;
      if (content && content.renderingJobId) {
        status.textContent = '새 문구로 이미지를 다시 그리고 있습니다…';
        content = await waitRendered(ctx);
      }
      if (content) {
        state.imageUrl = content.imageUrl;
        state.imageId = content.imageId || state.imageId;
        form.querySelector('#preview').src = content.imageUrl + (content.imageUrl.includes('?') ? '&' : '?') + 't=' + Date.now();
      }
      status.textContent = '미리보기가 최신 내용입니다.';
      return true;
    } catch (err) {
      status.textContent = '';
      showApiError(form, err, { EVENT_013: (x) => (/경품/.test(x.message) ? 'prizeText' : /문구|캡션/.test(x.message) ? 'caption' : 'title') });
      return false;
    }
  },
  submit: (ctx) => contentStep.apply(ctx),
};

export const STEPS = [objectiveStep, aiStep, imageStep, contentStep, channelsStep, reviewStep];
