// 쿠폰 사용 처리: the owner (or whoever is at the counter, signed in as the
// owner) types a winner's coupon code or scans its QR code, and the API
// redeems it once. Codes are read with or without hyphens and spaces, in any
// case; a scanned claim link (`…/c/{code}`) works too.
import { post } from './api.js';
import { render, esc, particle } from './ui.js';

/** The code out of whatever was typed or scanned: letters and digits, upper case. */
export function normalize(raw) {
  const s = String(raw || '').trim();
  const link = /\/c\/([A-Za-z0-9-]+)/.exec(s);
  return (link ? link[1] : s).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}
/** `12월 6일 16:44`: Korea time, as the API's messages say it. */
const korea = (s) => { const d = new Date(s); return isNaN(d) ? '' : d.toLocaleString('ko-KR', { timeZone: 'Asia/Seoul', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }); };
/** `K7M3QX-9TZB2H-4WQ8NP` */
const grouped = (code) => (code.match(/.{1,6}/g) || []).join('-');

function outcome(ok, title, lines) {
  return `<section class="result ${ok ? 'ok' : 'bad'}" id="redeem-result-box" role="${ok ? 'status' : 'alert'}" tabindex="-1">
    <h2>${esc(title)}</h2>${lines.map((l) => `<p>${l}</p>`).join('')}</section>`;
}

/** The Korean result of one redemption attempt. */
function explain(err, code) {
  const shown = `<span class="nowrap">쿠폰 번호 ${esc(grouped(code))}</span>`;
  switch (err.status === 409 ? err.code : err.status) {
    case 'PART_014':
      // The message names when: "이미 사용한 쿠폰입니다 (2026년 12월 20일 14:05 사용)".
      const at = /\((.+) 사용\)/.exec(err.message || '');
      return outcome(false, '이미 사용한 쿠폰이에요', [at ? `<strong>${esc(at[1])}</strong>에 사용 처리된 쿠폰이에요.` : esc(err.message), '경품은 한 번만 드릴 수 있어요.', shown]);
    case 'PART_015':
      return outcome(false, '사용할 수 없는 쿠폰이에요', [esc(err.message), shown]);
    case 403:
      return outcome(false, '다른 매장의 쿠폰이에요', ['지금 로그인한 계정의 이벤트 쿠폰만 사용 처리할 수 있어요.', shown]);
    case 404:
      return outcome(false, '쿠폰 번호를 찾을 수 없어요', ['번호를 다시 확인해 주세요. 쿠폰 번호에는 숫자 0·1과 영문 O·I·L이 쓰이지 않아요.', shown]);
    default:
      return outcome(false, '처리하지 못했어요', [esc(err.message)]);
  }
}

export async function couponScreen() {
  const m = render(`<h1>쿠폰 사용 처리</h1>
    <section class="card"><p class="muted small">손님이 보여 주는 당첨 쿠폰 화면의 번호를 입력하거나 QR 코드를 스캔하세요.</p>
    <form id="redeem-form" novalidate>
      <div class="field"><label for="couponCode">쿠폰 번호</label>
        <input id="couponCode" name="couponCode" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" placeholder="예: K7M3QX-9TZB2H-4WQ8NP" aria-describedby="couponCode-hint couponCode-error">
        <p class="hint" id="couponCode-hint">18자리 영문·숫자예요. 하이픈(-)이나 띄어쓰기, 소문자로 입력해도 돼요.</p>
        <p class="error" id="couponCode-error" aria-live="polite"></p></div>
      <button class="primary" type="submit" id="redeem">사용 처리</button>
    </form>
    <button type="button" class="block mt-8" id="scan">카메라로 스캔</button>
    <div class="scan" id="scan-box" hidden><video id="scan-video" playsinline muted></video>
      <p class="small muted" id="scan-hint">QR 코드를 화면 가운데에 맞춰 주세요.</p>
      <button type="button" id="scan-stop">스캔 닫기</button></div>
    </section>
    <div id="redeem-result" aria-live="polite"></div>`, '쿠폰 사용 처리');
  const form = m.querySelector('#redeem-form');
  const input = form.couponCode;
  const result = m.querySelector('#redeem-result');
  const error = m.querySelector('#couponCode-error');
  const scanner = wireScanner(m, (text) => { input.value = normalize(text); form.requestSubmit(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const code = normalize(input.value);
    if (code.length !== 18) {
      error.textContent = code ? `쿠폰 번호는 18자리예요 (지금 ${code.length}자리).` : '쿠폰 번호를 입력해 주세요.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    scanner.stop();
    const button = form.querySelector('#redeem');
    button.disabled = true;
    try {
      const r = await post(`/api/coupons/${encodeURIComponent(code)}/redeem`);
      result.innerHTML = outcome(true, '사용 처리했어요', [
        `<strong>${esc(r.name)}</strong>님 <span class="nowrap">${esc(r.phoneNumber)}</span>`,
        `경품 <strong>${esc(r.prize)}</strong>${particle(r.prize, '을/를')} 드리면 됩니다.`,
        `<span class="small">${esc(korea(r.redeemedAt))} 처리 · <span class="nowrap">쿠폰 번호 ${esc(grouped(code))}</span></span>`]);
      input.value = '';
    } catch (err) {
      if (err.status === 401) return;
      result.innerHTML = explain(err, code);
    } finally {
      button.disabled = false;
    }
    const box = result.querySelector('#redeem-result-box');
    if (box) { box.scrollIntoView({ block: 'nearest' }); box.focus({ preventScroll: true }); }
  });
}

// The camera: the browser's BarcodeDetector where it reads QR codes, else
// jsQR (vendored in assets/jsqr.js, loaded only here, only when needed).
// getUserMedia works only in a secure context: on a real phone the app must
// be opened over HTTPS (http://localhost is the one exception, for testing).
function wireScanner(m, found) {
  const box = m.querySelector('#scan-box');
  const video = m.querySelector('#scan-video');
  const hint = m.querySelector('#scan-hint');
  const button = m.querySelector('#scan');
  let stream = null;
  let timer = 0;
  const stop = () => {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    box.hidden = true;
    button.hidden = false;
  };
  const fail = (text) => { stop(); box.hidden = false; button.hidden = false; video.hidden = true; hint.textContent = text; };
  async function reader() {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async () => { const got = await detector.detect(video); return got.length ? got[0].rawValue : null; };
        }
      } catch (e) { /* fall back to jsQR */ }
    }
    await import('./jsqr.js');
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    return async () => {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h) return null;
      canvas.width = w;
      canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      const got = self.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
      return got ? got.data : null;
    };
  }
  button.addEventListener('click', async () => {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      fail('이 화면에서는 카메라를 쓸 수 없어요. 보안 연결(https) 주소로 열었는지 확인하거나 번호를 입력해 주세요.');
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      fail('카메라를 열지 못했어요. 브라우저 설정에서 카메라 권한을 허용하거나 번호를 입력해 주세요.');
      return;
    }
    box.hidden = false;
    video.hidden = false;
    button.hidden = true;
    hint.textContent = 'QR 코드를 화면 가운데에 맞춰 주세요.';
    video.srcObject = stream;
    await video.play().catch(() => {});
    const read = await reader();
    const tick = async () => {
      if (!stream) return;
      let text = null;
      try { text = await read(); } catch (e) { text = null; }
      if (text && normalize(text).length === 18) { stop(); found(text); return; }
      timer = setTimeout(tick, 250);
    };
    tick();
  });
  m.querySelector('#scan-stop').addEventListener('click', stop);
  window.addEventListener('hashchange', stop, { once: true });
  return { stop };
}
