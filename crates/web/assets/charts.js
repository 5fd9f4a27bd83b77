// Charts drawn as inline SVG strings: no chart library, no external service.
import { esc, num } from './ui.js';

const W = 340;

/** Vertical bars, one per {label, value}; values printed above the bars. */
export function barChart(items, { title = '', unit = '' } = {}) {
  const H = 180; const top = 20; const bottom = 34; const left = 8;
  const max = Math.max(1, ...items.map((i) => i.value || 0));
  const slot = (W - left * 2) / Math.max(1, items.length);
  const bw = Math.min(44, slot * 0.6);
  const bars = items.map((it, i) => {
    const h = ((it.value || 0) / max) * (H - top - bottom);
    const x = left + i * slot + (slot - bw) / 2;
    const y = H - bottom - h;
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" rx="4" fill="${it.color || '#e6002d'}"><title>${esc(it.label)}: ${num(it.value)}${esc(unit)}</title></rect>
      <text x="${(x + bw / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${num(it.value)}</text>
      <text x="${(x + bw / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${esc(it.label)}</text>`;
  }).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><line x1="${left}" y1="${H - bottom}" x2="${W - left}" y2="${H - bottom}" stroke="#ccc"/>${bars}</svg>`;
}

/** A line over time, points {label, value}; the label of every few points is shown. */
export function lineChart(points, { title = '' } = {}) {
  const H = 170; const top = 16; const bottom = 30; const left = 30; const right = 10;
  if (!points.length) return `<p class="empty">아직 데이터가 없습니다.</p>`;
  const max = Math.max(1, ...points.map((p) => p.value || 0));
  const step = points.length > 1 ? (W - left - right) / (points.length - 1) : 0;
  // A lone point sits in the middle rather than on the axis.
  const x0 = points.length > 1 ? left : (W + left - right) / 2;
  const xy = points.map((p, i) => [x0 + i * step, H - bottom - ((p.value || 0) / max) * (H - top - bottom)]);
  const path = xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const every = Math.max(1, Math.ceil(points.length / 6));
  const labels = points.map((p, i) => (i % every === 0 ? `<text x="${xy[i][0].toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${esc(p.label)}</text>` : '')).join('');
  const dots = xy.map(([x, y], i) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="#e6002d"><title>${esc(points[i].label)}: ${num(points[i].value)}</title></circle>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
    <line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="#ccc"/>
    <text x="${left - 4}" y="${top + 4}" text-anchor="end">${num(max)}</text><text x="${left - 4}" y="${H - bottom}" text-anchor="end">0</text>
    <path d="${path}" fill="none" stroke="#e6002d" stroke-width="2"/>${dots}${labels}</svg>`;
}

const PALETTE = ['#e6002d', '#ff8a3d', '#2f80ed', '#27ae60', '#9b51e0', '#f2c94c', '#56ccf2', '#828282'];

/** One horizontal stacked bar of parts {label, value} with a legend: the ROI breakdown. */
export function stackChart(parts, { title = '' } = {}) {
  const total = parts.reduce((s, p) => s + Math.max(0, p.value || 0), 0);
  if (!total) return `<p class="empty">표시할 항목이 없습니다.</p>`;
  let x = 0;
  const rects = parts.map((p, i) => {
    const w = (Math.max(0, p.value || 0) / total) * W;
    const r = `<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="26" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(p.label)}: ${num(p.value)}원</title></rect>`;
    x += w;
    return r;
  }).join('');
  const legend = parts.map((p, i) => `<g transform="translate(${(i % 2) * 170},${40 + Math.floor(i / 2) * 18})"><rect width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="14" y="9">${esc(p.label)} ${num(p.value)}원</text></g>`).join('');
  const h = 48 + Math.ceil(parts.length / 2) * 18;
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(title)}">${rects}${legend}</svg>`;
}
