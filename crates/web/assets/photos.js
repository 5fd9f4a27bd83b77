// The owner's own photos at the content step: a product or store photo and a
// logo, straight from the phone (JPEG, PNG). The picker asks for JPEG or PNG on
// purpose: an iPhone then converts its HEIC photos to JPEG before handing them
// over, which the server (no HEIC decoder without system libraries) can read.
// The server re-encodes them,
// strips EXIF and location, and refuses what is too big or not an image with a
// Korean message, shown here next to the picker.
import { api } from './api.js';
import { esc } from './ui.js';

const KINDS = [['product', '상품·매장 사진'], ['logo', '로고']];
const MAX = 10 * 1024 * 1024;

/** The pickers' markup; `photos` are the event's uploaded ones ({kind, url}). */
export function photoPicker(photos = []) {
  const has = Object.fromEntries((photos || []).map((p) => [p.kind, p.url]));
  return `<fieldset class="photos" id="photos"><legend>내 사진 (선택)</legend>
    <p class="hint">휴대폰 사진(10MB까지)을 올리면 홍보 이미지에 쓰여요. 위치 정보는 지워서 저장해요.</p>
    ${KINDS.map(([kind, label]) => `<div class="photo row" data-kind="${kind}">
      <img class="photo-thumb" id="photo-${kind}-thumb" alt="${esc(label)} 미리보기" ${has[kind] ? `src="${esc(has[kind])}"` : 'hidden'}>
      <label class="button" for="photo-${kind}">${esc(label)} ${has[kind] ? '바꾸기' : '올리기'}</label>
      <input class="visually-hidden" type="file" id="photo-${kind}" name="photo-${kind}" accept="image/jpeg,image/png" aria-describedby="photo-${kind}-error">
      <p class="error grow" id="photo-${kind}-error" aria-live="polite"></p><p class="small muted grow" id="photo-${kind}-state" aria-live="polite"></p></div>`).join('')}
  </fieldset>`;
}

/** Uploads a picked file at once; answers through `onDone(kind, url)`. */
export function wirePhotos(root, eventId, onDone = () => {}) {
  root.querySelectorAll('.photo input[type=file]').forEach((input) => input.addEventListener('change', async () => {
    const kind = input.closest('.photo').dataset.kind;
    const error = root.querySelector(`#photo-${kind}-error`);
    const status = root.querySelector(`#photo-${kind}-state`);
    const file = input.files && input.files[0];
    error.textContent = '';
    if (!file) return;
    if (file.size > MAX) { error.textContent = '사진이 너무 커요. 10MB 이하의 사진을 골라 주세요.'; input.value = ''; return; }
    const body = new FormData();
    body.append('kind', kind);
    body.append('file', file);
    status.textContent = '사진을 올리고 있어요…';
    try {
      const p = await api('POST', `/api/events/${encodeURIComponent(eventId)}/photos`, body);
      const thumb = root.querySelector(`#photo-${kind}-thumb`);
      thumb.src = p.url;
      thumb.hidden = false;
      status.textContent = '올렸어요. ‘미리보기 갱신’을 누르면 이미지에 반영돼요.';
      onDone(kind, p.url);
    } catch (err) {
      status.textContent = '';
      error.textContent = err.status === 404 ? '사진 올리기는 아직 준비 중이에요.' : err.message;
    } finally { input.value = ''; }
  }));
}
