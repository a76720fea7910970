/**
 * The capacity plot: latency percentiles (log scale) against the offered rate, one line per
 * percentile, the p99 SLO as a horizontal line and the knee as a vertical one. Plain SVG, no
 * script, no external font, so it renders wherever summary.md is read.
 */
import { escapeXml } from '../protocol/xml.js';
import type { StepResult } from './knee.js';

const W = 720;
const H = 400;
const M = { left: 64, right: 130, top: 36, bottom: 48 };
const SERIES: Array<{ key: 'p50Ms' | 'p90Ms' | 'p95Ms' | 'p99Ms'; label: string; color: string }> = [
  { key: 'p50Ms', label: 'p50', color: '#1b9e77' },
  { key: 'p90Ms', label: 'p90', color: '#7570b3' },
  { key: 'p95Ms', label: 'p95', color: '#d95f02' },
  { key: 'p99Ms', label: 'p99', color: '#e7298a' },
];

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toPrecision(2));

export function capacitySvg(steps: readonly StepResult[], opts: { kneeRate?: number; sloMs?: number; title?: string }): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const rates = steps.map((s) => s.offeredRate);
  const xMin = Math.min(0, ...rates);
  const xMax = Math.max(1, ...rates) * 1.05;
  const values = steps.flatMap((s) => SERIES.map((k) => s[k.key]).filter((v): v is number => v !== undefined && v > 0));
  if (opts.sloMs) values.push(opts.sloMs);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values, 1))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, lo * 10)));
  const x = (r: number) => M.left + ((r - xMin) / (xMax - xMin)) * pw;
  const y = (ms: number) => M.top + ph - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14" font-weight="bold">${escapeXml(opts.title ?? 'Latency percentiles against offered rate')}</text>`);
  // y grid (decades)
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const yy = y(d).toFixed(1);
    out.push(`<line x1="${M.left}" y1="${yy}" x2="${M.left + pw}" y2="${yy}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${d >= 1 ? d.toFixed(0) : String(Number(d.toPrecision(1)))}</text>`);
  }
  // x ticks
  const xTicks = niceTicks(xMin, xMax, 8);
  for (const t of xTicks) {
    const xx = x(t).toFixed(1);
    out.push(`<line x1="${xx}" y1="${M.top + ph}" x2="${xx}" y2="${M.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${xx}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">offered rate (requests/s)</text>`);
  out.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>`);
  if (opts.sloMs) {
    const yy = y(opts.sloMs).toFixed(1);
    out.push(`<line x1="${M.left}" y1="${yy}" x2="${M.left + pw}" y2="${yy}" stroke="#c00" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${M.left + 6}" y="${(Number(yy) - 5).toFixed(1)}" fill="#c00">p99 SLO ${fmt(opts.sloMs)} ms</text>`);
  }
  if (opts.kneeRate !== undefined) {
    const xx = x(opts.kneeRate).toFixed(1);
    out.push(`<line x1="${xx}" y1="${M.top}" x2="${xx}" y2="${M.top + ph}" stroke="#000" stroke-width="1.5" stroke-dasharray="3 3"/>`);
    out.push(`<text x="${xx}" y="${M.top - 6}" text-anchor="middle" font-weight="bold">knee ${fmt(opts.kneeRate)} req/s</text>`);
  }
  SERIES.forEach((s, k) => {
    const pts = steps.filter((st) => st[s.key] !== undefined).map((st) => `${x(st.offeredRate).toFixed(1)},${y(st[s.key]!).toFixed(1)}`);
    if (pts.length > 0) {
      out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      for (const p of pts) {
        const [px, py] = p.split(',');
        out.push(`<circle cx="${px}" cy="${py}" r="2.5" fill="${s.color}"/>`);
      }
    }
    const ly = M.top + 10 + k * 18;
    out.push(`<line x1="${M.left + pw + 8}" y1="${ly}" x2="${M.left + pw + 28}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${M.left + pw + 34}" y="${ly}" dominant-baseline="middle">${s.label}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}
