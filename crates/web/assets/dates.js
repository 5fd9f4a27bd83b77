// Dates and times as the owner reads them, always in Korea time.
export const SEOUL = { timeZone: 'Asia/Seoul' };
/** Today in Korea as `YYYY-MM-DD`. */
export const today = () => new Date().toLocaleDateString('sv-SE', SEOUL);
/** `12월 10일` (with the year when not this year's) of `YYYY-MM-DD…`; `full` always names the year. */
export function kday(s, full) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return '-';
  const [y, mo, d] = [m[1], Number(m[2]), Number(m[3])];
  return `${full || y !== today().slice(0, 4) ? y + '년 ' : ''}${mo}월 ${d}일`;
}
/** The Korea date of an instant, as `2026년 12월 11일`. */
export const kdate = (s) => (s ? kday(new Date(s).toLocaleDateString('sv-SE', SEOUL), true) : '-');
/** `12/6 14:05` of an instant in Korea time, for the narrow table. */
export function short(s) {
  const d = new Date(s);
  if (isNaN(d)) return '-';
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { ...SEOUL, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.month}/${p.day} ${p.hour}:${p.minute}`;
}
export function plusDays(s, n) {
  const d = new Date(s + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

