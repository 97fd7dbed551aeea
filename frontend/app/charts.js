// Charts, drawn with uPlot (vendored); each keeps a table of its figures
// beside it as the text alternative.
import { html, useEffect, useRef } from '../vendor/htm-preact-standalone-3.1.1.js';
import uPlot from '../vendor/uPlot-1.6.32.esm.js';
import { TLPS } from './enums.js';

// FIRST's TLP colours, darkened where white would vanish on the page.
const TLP_COLOURS = { CLEAR: '#6b7280', GREEN: '#1e8e3e', AMBER: '#c77700', 'AMBER+STRICT': '#7a4a00', RED: '#c5221f' };

// continuousMonths lists every month from the first key to the last
// ("2024-11" …), so that months without meetings show as empty.
export function continuousMonths(keys) {
  if (keys.length === 0) return [];
  const sorted = [...keys].sort();
  let [y, m] = sorted[0].split('-').map(Number);
  const [ly, lm] = sorted[sorted.length - 1].split('-').map(Number);
  const out = [];
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

// MonthChart draws meetings per month as bars stacked by TLP, on a
// continuous month axis.
export function MonthChart({ buckets }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || buckets.length === 0) return undefined;
    const months = continuousMonths(buckets.map((b) => b.key));
    const byKey = Object.fromEntries(buckets.map((b) => [b.key, b]));
    const xs = months.map((k) => Date.UTC(+k.slice(0, 4), +k.slice(5, 7) - 1, 1) / 1000);
    // Stacked: each series is the running total up to its TLP, drawn from
    // the tallest down so that each shows as its own band.
    const totals = TLPS.map((_, i) => months.map((k) => TLPS.slice(0, i + 1).reduce((n, t) => n + ((byKey[k] && byKey[k].by_tlp[t]) || 0), 0)));
    const order = TLPS.map((t, i) => i).reverse();
    const bars = uPlot.paths.bars({ size: [0.7, 40] });
    const u = new uPlot({
      width: Math.max(280, el.clientWidth), height: 220, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{ space: 50, values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(0, 7)) }, { space: 30 }],
      series: [{}, ...order.map((i) => ({ label: TLPS[i], fill: TLP_COLOURS[TLPS[i]], stroke: TLP_COLOURS[TLPS[i]], paths: bars, points: { show: false } }))],
    }, [xs, ...order.map((i) => totals[i])], el);
    return () => u.destroy();
  }, [buckets]);
  return html`<div class="chart" ref=${ref} role="img" aria-label="Meetings per month, stacked by TLP; the table below gives the figures."></div>`;
}
