/** "10,000": an integer with thousands separators, as toLocaleString('en-US') writes it, without Intl (its first use costs a few ms of a cold start). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
