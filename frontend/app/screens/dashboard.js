// The dashboard: key figures that link to the lists they count, meetings
// per month by TLP, and short top lists with "more…" links.
import { html } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { get, qs } from '../api.js';
import { label } from '../format.js';
import { TLPS } from '../enums.js';
import { useLoad, Loading } from '../components.js';
import { ItemList } from '../items.js';
import { MonthChart, continuousMonths } from '../charts.js';

function Bars({ rows, caption, href }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return html`<table class="bars"><caption>${caption}</caption><tbody>
    ${rows.map((r) => html`<tr><th scope="row">${href ? html`<a href=${href(r)}>${r.label}</a>` : r.label}</th>
      <td><span class="bar" style=${'width:' + Math.round((100 * r.count) / max) + '%'}></span> ${r.count}</td></tr>`)}
  </tbody></table>`;
}

// MonthsByTLP is meetings per month, each bar split by TLP, with the
// figures in text for screen readers and for anyone who prefers numbers.
function MonthsByTLP({ buckets: given }) {
  const byKey = Object.fromEntries(given.map((b) => [b.key, b]));
  const buckets = continuousMonths(given.map((b) => b.key)).map((k) => byKey[k] || { key: k, count: 0, by_tlp: {} });
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return html`<section class="wide" aria-labelledby="months-title"><h2 id="months-title">Meetings per month, by TLP</h2>
    <${MonthChart} buckets=${given} />
    <p class="legend">${TLPS.map((t) => html`<span><span class=${'seg-key seg-' + t.replace('+', '-').toLowerCase()}></span>${t}</span>`)}</p>
    <details><summary>The figures, month by month</summary><table class="bars"><caption>Meetings per month, by TLP</caption><tbody>
    ${buckets.map((b) => html`<tr><th scope="row"><a href=${'/meetings?from=' + b.key + '-01&to=' + nextMonth(b.key)}>${b.key}</a></th>
      <td><span class="stack" style=${'width:' + Math.round((100 * b.count) / max) + '%'}>${TLPS.filter((t) => b.by_tlp[t] > 0).map((t) =>
        html`<a class=${'seg seg-' + t.replace('+', '-').toLowerCase()} style=${'flex:' + b.by_tlp[t]} href=${'/meetings?tlp=' + encodeURIComponent(t) + '&from=' + b.key + '-01&to=' + nextMonth(b.key)} title=${t + ': ' + b.by_tlp[t]}></a>`)}</span>
        <span class="sr-text">${b.count}${b.count > 0 ? ' (' + TLPS.filter((t) => b.by_tlp[t] > 0).map((t) => t + ' ' + b.by_tlp[t]).join(', ') + ')' : ''}</span></td></tr>`)}
  </tbody></table></details></section>`;
}

function nextMonth(key) {
  const [y, m] = key.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

// TOP is how many entries a dashboard list shows before "more…".
const TOP = 8;

// addDays is the day n days after the day iso (YYYY-MM-DD).
function addDays(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// dueSoon is the list the "due in the next 7 days" figure counts: not
// finished, due from the server's today (asOf) to seven days after it.
const dueSoon = (asOf) => ({ status: 'open,in_progress,blocked', due_after: addDays(asOf, -1), due_before: addDays(asOf, 8) });

export function Dashboard({ me }) {
  const st = useLoad(() => get('/stats/overview').then((o) => Promise.all([
    o, get('/stats/meetings?group_by=month'), get('/stats/action-items?group_by=status'),
    get('/stats/action-items?group_by=owner_organization'), get('/stats/meetings?group_by=topic'),
    get('/action-items' + qs({ ...dueSoon(o.as_of), sort: 'due_on', limit: 5 })),
  ])), []);
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  return html`<main><h1>Dashboard</h1><${Loading} state=${st}>${([o, months, status, owners, topics, upcoming]) => o.meetings.total === 0 ? html`
    <p class="empty-state">${staff
      ? html`No meetings yet. Start with the <a href="/directory">directory</a> (the host and the organisations that attend), then <a href="/meetings/new">log your first meeting</a>.`
      : 'No meetings you may see yet. Meetings appear here once a coordinator logs them and their marking lets you see them.'}</p>` : html`
    <section class="figures" aria-label="Key figures">
      <a class="figure" href="/meetings"><strong>${o.meetings.total}</strong> meetings</a>
      <a class="figure" href="/action-items?overdue=true"><strong data-testid="overdue">${o.action_items.overdue}</strong> overdue action items</a>
      <a class="figure" href=${'/action-items' + qs(dueSoon(o.as_of))}><strong>${o.action_items.due_next_7_days}</strong> due in the next 7 days</a>
      <div class="figure"><strong data-testid="completion">${Math.round(o.action_items.completion_rate * 100)}%</strong> completed</div>
      <div class="figure"><strong>${o.action_items.median_days_to_close ?? '–'}</strong> median days to close</div>
      <div class="figure">${o.attendees.withheld === null ? html`<strong>${o.attendees.disclosed}</strong> attendees disclosed; the withheld are not counted here` : html`<strong>${o.attendees.withheld}</strong> of ${o.attendees.total} attendees withheld`}</div>
    </section>
    <${MonthsByTLP} buckets=${months.buckets} />
    <div class="charts">
      <${Bars} caption="Action items by status" rows=${status.buckets.map((b) => ({ label: label(b.key), count: b.count, key: b.key }))}
        href=${(r) => '/action-items?status=' + r.key} />
      <div><${Bars} caption="Overdue by owner organisation" rows=${owners.buckets.filter((b) => b.overdue > 0).sort((a, b) => b.overdue - a.overdue).slice(0, TOP).map((b) => ({ label: b.label || label(b.key), count: b.overdue, key: b.key }))}
        href=${(r) => (['withheld', 'none', 'other'].includes(r.key) ? null : '/action-items?overdue=true&owner_organization=' + r.key)} />
        ${owners.buckets.filter((b) => b.overdue > 0).length > TOP && html`<p><a href="/action-items?overdue=true">More overdue items…</a></p>`}</div>
      <div><${Bars} caption="Top topics" rows=${topics.buckets.slice(0, TOP).map((b) => ({ label: b.label || b.key, count: b.count, key: b.key }))}
        href=${(r) => '/meetings?topic=' + encodeURIComponent(r.label)} />
        ${topics.buckets.length > TOP && html`<p><a href="/directory">More topics…</a></p>`}</div>
    </div>
    <h2>Upcoming due dates</h2>
    <${ItemList} items=${upcoming.items} />`}<//></main>`;
}
