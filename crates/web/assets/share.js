// Sharing an event's entry link: copy it, or hand it to the phone's share
// sheet (Web Share API), once for everyone and once per channel. A channel's
// link carries `?ch=CODE`, so the entry is counted for that channel.
import { esc, channelName, toast } from './ui.js';

/** The entry page's path: the public short id when the server gives one, else the event id. */
export function entryPath(e) {
  return e.entryUrl || `/e/${encodeURIComponent(e.publicId || e.eventId)}`;
}

/** The full link for everyone (`channel` empty) or for one channel. */
export function entryLink(e, channel = '') {
  const url = new URL(entryPath(e), location.origin);
  if (channel) url.searchParams.set('ch', channel);
  return url.toString();
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    // No clipboard API here (an old browser, or not a secure page): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (x) { ok = false; }
    area.remove();
    return ok;
  }
}

/** The share card: one line for everyone, then one per published channel. */
export function shareBlock(e) {
  // The QR codes carry the same public link as the copy and share buttons.
  const enc = encodeURIComponent(e.publicId || e.eventId);
  const rows = [['', '모든 채널 공통'], ...(e.channels || []).map((c) => [c, channelName(c)])];
  return `<ul class="list links" id="links">${rows.map(([ch, name]) => {
    const q = ch ? `?ch=${encodeURIComponent(ch)}` : '';
    const url = entryLink(e, ch);
    return `<li data-channel="${esc(ch)}"><img class="qr" src="/e/${enc}/qr.svg${q}" alt="${esc(name)} 응모 QR 코드" width="96" height="96" loading="lazy">
      <span class="grow"><strong>${esc(name)}</strong><br><a class="small share-url" href="${esc(url)}" target="_blank" rel="noopener">응모 페이지 열기</a>
      <span class="row mt-8"><button type="button" class="small-button copy-link" data-url="${esc(url)}">링크 복사</button>
      <button type="button" class="small-button share-link" data-url="${esc(url)}" data-name="${esc(name)}">공유</button>
      <a class="small" href="/e/${enc}/qr.png${q}" download="qr-${esc(ch || 'all').toLowerCase()}.png">QR 내려받기</a></span></span></li>`;
  }).join('')}</ul>`;
}

/** The copy and share buttons inside `root`. */
export function wireShare(root, e) {
  const title = (e.content && e.content.title) || e.title || '이벤트';
  root.querySelectorAll('.copy-link').forEach((b) => b.addEventListener('click', async () => {
    toast(await copy(b.dataset.url) ? '링크를 복사했어요' : '복사하지 못했어요. 링크를 길게 눌러 복사해 주세요.');
  }));
  root.querySelectorAll('.share-link').forEach((b) => b.addEventListener('click', async () => {
    const data = { title, text: `${title} 이벤트에 참여해 보세요!`, url: b.dataset.url };
    if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
      try { await navigator.share(data); return; } catch (err) {
        if (err && err.name === 'AbortError') return; // the owner closed the share sheet
      }
    }
    toast(await copy(b.dataset.url) ? '공유 기능이 없어 링크를 복사했어요' : '링크를 길게 눌러 복사해 주세요.');
  }));
}
