// Money as the owner reads it, in one place: won amounts, ROI (집계 중 until
// there is data to compute it from) and the ROI formula in Korean. Every
// figure comes from the API (one cost model on the server); this module only
// formats it.
import { esc } from './ui.js';

/** The ROI formula in the owner's words (the server's ROI_FORMULA). */
export const ROI_FORMULA = 'ROI = (예상 매출 − 투자 비용) ÷ 투자 비용 × 100';

/** 1234000 → "1,234,000원". */
export const won = (n) => `${Math.round(Number(n) || 0).toLocaleString('ko-KR')}원`;

/** What the owner typed in a money box, in won: "300,000원" → 300000 (0 when nothing). */
export const readWon = (text) => Number(String(text ?? '').replace(/[^0-9]/g, '')) || 0;

/** An amount, or 무료 for a part that costs nothing. */
export const amount = (n) => (Number(n) ? won(n) : '무료');

/** ROI in percent with one decimal; null (no data yet) → 집계 중. */
export function roi(v) {
  if (v == null || v === '' || !Number.isFinite(Number(v))) return '집계 중';
  return `${Math.round(Number(v) * 10) / 10}%`;
}

/** The parts of a cost {total, items: [{kind, label, amount}]} and its total, as a list. */
export function costList(cost, id = 'cost') {
  const items = (cost && cost.items) || [];
  return `<ul class="list" id="${esc(id)}">${items.map((i) => `<li class="row spread" data-kind="${esc(i.kind)}">
      <span>${esc(i.label)}</span><span>${esc(amount(i.amount))}</span></li>`).join('')}
    <li class="row spread"><strong>합계</strong><strong id="${esc(id)}-total">${esc(won(cost && cost.total))}</strong></li></ul>`;
}
