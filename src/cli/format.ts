/** Small number formatting shared by the progress display, the epoch lines and the report. */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(2)}%`);
export const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
