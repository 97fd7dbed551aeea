// Liaison's web UI: a small single-page app over the public JSON API.
// The URL holds the screen and its filters, so every view can be linked.
import { html, render, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, qs, ApiError } from './api.js';
import { when, day, label } from './format.js';
import { TLPS, SECTORS, MEETING_KINDS } from './enums.js';
import { NewMeeting, Directory, Tokens, Users, Audit } from './forms.js';
import { ItemList, ActionItemTable } from './items.js';
import { Picker } from './components.js';
import { MonthChart, continuousMonths } from './charts.js';
import { MeetingPage } from './meeting.js';
import { navigate, useLocation } from './router.js';

// useLoad runs a loader and keeps {data, error, loading}.
function useLoad(loader, deps) {
  const [state, setState] = useState({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader().then((data) => live && setState({ data }), (error) => live && setState({ error }));
    return () => { live = false; };
  }, [...deps, n]);
  return { ...state, reload: () => setN(n + 1) };
}

function Loading({ state, children }) {
  if (state.error) return html`<p class="error" role="alert">${state.error.message}</p>`;
  if (state.loading && !state.data) return html`<p class="loading" aria-live="polite">Loading…</p>`;
  return children(state.data);
}

function Nav({ me, onSignOut }) {
  const admin = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const close = () => setOpen(false);
    window.addEventListener('popstate', close);
    return () => window.removeEventListener('popstate', close);
  }, []);
  return html`<header class="top"><nav aria-label="Main" class=${open ? 'open' : ''}>
    <a href="/" class="brand">Liaison</a>
    <button type="button" class="menu" aria-expanded=${open} aria-controls="nav-links" onClick=${() => setOpen(!open)}>Menu</button>
    <span id="nav-links" class="links">
    ${me && html`<a href="/">Dashboard</a><a href="/meetings">Meetings</a><a href="/action-items?owner=me">My action items</a>`}
    ${admin && html`<a href="/action-items">All action items</a><a href="/meetings/new">Log a meeting</a><a href="/audit">Audit</a>`}
    ${me && html`<a href="/directory">Directory</a><a href="/tokens">Tokens</a>`}
    ${me && me.user.role === 'admin' && html`<a href="/users">Users</a>`}
    <a href="/public">Public readouts</a>
    ${me ? html`<span class="who">${me.user.email} · ${me.user.role}</span><button type="button" onClick=${onSignOut}>Sign out</button>`
         : html`<a href="/login">Sign in</a>`}
    </span>
  </nav></header>`;
}

function SignIn({ onSignedIn }) {
  const [err, setErr] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api('POST', '/auth/login', { email: f.get('email'), password: f.get('password') });
      onSignedIn();
    } catch (x) { setErr(x); }
  };
  return html`<main class="narrow"><h1>Sign in</h1>
    <form onSubmit=${submit} novalidate>
      <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required />
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required />
      ${err && html`<p class="error" role="alert">${err.message}</p>`}
      <button type="submit">Sign in</button>
    </form></main>`;
}

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

function Dashboard({ me }) {
  const st = useLoad(() => Promise.all([
    get('/stats/overview'), get('/stats/meetings?group_by=month'), get('/stats/action-items?group_by=status'),
    get('/stats/action-items?group_by=owner_organization'), get('/stats/meetings?group_by=topic'),
    get('/action-items' + qs({ status: 'open,in_progress,blocked', sort: 'due_on', due_after: new Date(Date.now() - 864e5).toISOString().slice(0, 10), limit: 5 })),
  ]), []);
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  return html`<main><h1>Dashboard</h1><${Loading} state=${st}>${([o, months, status, owners, topics, upcoming]) => o.meetings.total === 0 ? html`
    <p class="empty-state">${staff
      ? html`No meetings yet. Start with the <a href="/directory">directory</a> (the host and the organisations that attend), then <a href="/meetings/new">log your first meeting</a>.`
      : 'No meetings you may see yet. Meetings appear here once a coordinator logs them and their marking lets you see them.'}</p>` : html`
    <section class="figures" aria-label="Key figures">
      <a class="figure" href="/meetings"><strong>${o.meetings.total}</strong> meetings</a>
      <a class="figure" href="/action-items?overdue=true"><strong data-testid="overdue">${o.action_items.overdue}</strong> overdue action items</a>
      <a class="figure" href="/action-items?status=open,in_progress,blocked&due_before=${new Date(Date.now() + 8 * 864e5).toISOString().slice(0, 10)}"><strong>${o.action_items.due_next_7_days}</strong> due in the next 7 days</a>
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

function TLPBadge({ tlp }) {
  return html`<span class=${'tlp tlp-' + tlp.replace('+', '-').toLowerCase()}>TLP:${tlp}</span>`;
}

function Meetings({ search }) {
  const params = Object.fromEntries(new URLSearchParams(search));
  const [orgName, setOrgName] = useState('');
  useEffect(() => {
    if (params.organization) get('/organizations/' + params.organization).then((o) => setOrgName(o.name), () => setOrgName(''));
  }, [params.organization]);
  const st = useLoad(() => get('/meetings' + qs({ limit: 25, ...params })), [search]);
  const apply = (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    navigate('/meetings' + qs(f));
  };
  return html`<main><h1>Meetings</h1>
    <form class="filters" onSubmit=${apply} aria-label="Filter meetings">
      <label>Search <input name="q" value=${params.q || ''} /></label>
      <label>TLP <select name="tlp" value=${params.tlp || ''}><option value="">any</option>${TLPS.map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
      <label>Status <select name="status" value=${params.status || ''}><option value="">any</option><option value="scheduled">scheduled</option><option value="held">held</option><option value="cancelled">cancelled</option></select></label>
      <label>Kind <select name="kind" value=${params.kind || ''}><option value="">any</option>${MEETING_KINDS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>From <input name="from" type="date" value=${params.from || ''} /></label>
      <label>To <input name="to" type="date" value=${params.to || ''} /></label>
      <label>Topic <input name="topic" value=${params.topic || ''} /></label>
      <label>Sector <select name="sector" value=${params.sector || ''}><option value="">any</option>${SECTORS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>Organisation <${Picker} name="organization" path="/organizations" value=${params.organization || ''} label=${orgName} ariaLabel="Organisation (hosted or attended)" /></label>
      <button type="submit">Apply</button>
    </form>
    <${Loading} state=${st}>${(page) => html`
      ${page.items.length === 0 ? html`<p class="empty">No meetings match.</p>` : html`
      <ul class="cards">${page.items.map((m) => html`<li><a href=${'/meetings/' + m.id}><${TLPBadge} tlp=${m.tlp} /> <strong>${m.title}</strong></a>
        <div class="meta">${when(m.starts_at, m.timezone)} · ${m.host ? m.host.name : ''} · ${label(m.kind)} · ${m.status}</div></li>`)}</ul>`}
      <nav class="pager" aria-label="Pages">
        ${params.cursor && html`<button type="button" onClick=${() => history.back()}>Previous page</button>`}
        ${page.next_cursor && html`<a class="button" href=${'/meetings' + qs({ ...params, cursor: page.next_cursor })}>Next page</a>`}
      </nav>`}<//></main>`;
}

function PublicReadouts() {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const load = (cursor) => get('/public/meetings?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''))
    .then((d) => { setItems((xs) => (cursor ? [...(xs || []), ...d.items] : d.items)); setNext(d.next_cursor); }, setError);
  useEffect(() => { load(); }, []);
  const st = error ? { error } : items === null ? { loading: true } : { data: { items } };
  return html`<main><h1>Public readouts</h1>
    <p><a href="/api/v1/public/readouts.atom">Atom feed</a></p>
    <${Loading} state=${st}>${(page) => page.items.length === 0 ? html`<p class="empty">No public readouts yet.</p>` : html`
    ${page.items.map((m) => html`<article class="readout"><h2>${m.title}</h2>
      <p class="meta">${when(m.starts_at, m.timezone)} · hosted by ${m.host}${m.topics.length ? ' · ' + m.topics.join(', ') : ''}</p>
      <p class="prose">${m.public_readout}</p>
      ${m.attendees.length > 0 && html`<p>Attendees: ${m.attendees.map((a) => (a.name ? `${a.name}, ${a.organization}` : a.organization)).join('; ')}</p>`}
      ${m.withheld_total > 0 && html`<p class="withheld">Attendees withheld: ${m.withheld_by_sector.map((s) => `${s.count} (${label(s.sector)})`).join(', ')}</p>`}
    </article>`)}
    ${next && html`<p><button type="button" onClick=${() => load(next)}>Older readouts</button></p>`}`}<//></main>`;
}

function NotFound() {
  return html`<main><h1>Not found</h1><p>There is no screen at this address. <a href="/">Go to the dashboard</a>.</p></main>`;
}

// routes maps each screen to its title and the roles that may use it
// (none listed: every signed-in user).
const staffOnly = ['admin', 'coordinator'];
function route(path, search, me) {
  const id = path.startsWith('/meetings/') ? path.slice('/meetings/'.length) : '';
  const table = [
    ['/', 'Dashboard', null, () => html`<${Dashboard} me=${me} />`],
    ['/meetings', 'Meetings', null, () => html`<${Meetings} search=${search} />`],
    ['/meetings/new', 'Log a meeting', staffOnly, () => html`<${NewMeeting} navigate=${navigate} />`],
    ['/action-items', new URLSearchParams(search).get('owner') === 'me' ? 'My action items' : 'Action items', null,
      () => html`<${ActionItemTable} search=${search} me=${me} navigate=${navigate} />`],
    ['/directory', 'Directory', null, () => html`<${Directory} me=${me} />`],
    ['/tokens', 'API tokens', null, () => html`<${Tokens} />`],
    ['/users', 'Users', ['admin'], () => html`<${Users} />`],
    ['/audit', 'Audit trail', staffOnly, () => html`<${Audit} />`],
  ];
  for (const [p, title, roles, view] of table) {
    if (p !== path) continue;
    if (roles && !roles.includes(me.user.role)) return { title: 'Not available', view: html`<main><h1>Not available</h1><p>Your role (${me.user.role}) cannot use this screen.</p></main>` };
    return { title, view: view() };
  }
  if (id && id !== 'new' && !id.includes('/')) return { title: 'Meeting', view: html`<${MeetingPage} id=${id} me=${me} navigate=${navigate} />` };
  return { title: 'Not found', view: html`<${NotFound} />` };
}

function App() {
  const loc = useLocation();
  const [me, setMe] = useState(undefined);
  const loadMe = () => get('/me').then(setMe, () => setMe(null));
  useEffect(() => { loadMe(); }, []);
  const [path, query] = loc.split('?');
  const search = query || '';
  const signOut = async () => { await api('POST', '/auth/logout').catch(() => {}); setMe(null); navigate('/login'); };
  let screen, title;
  if (path === '/public') { screen = html`<${PublicReadouts} />`; title = 'Public readouts'; }
  else if (me === undefined) { screen = html`<p class="loading">Loading…</p>`; title = 'Loading'; }
  else if (me === null || path === '/login') {
    // Signed out, any address is kept and reopened after signing in.
    const back = path === '/login' ? new URLSearchParams(search).get('next') || '/' : loc;
    if (me === null && path !== '/login') history.replaceState(null, '', '/login?next=' + encodeURIComponent(loc));
    // Who signed in is known before the screen changes, or the address
    // would be taken for a signed-out one again.
    screen = html`<${SignIn} onSignedIn=${async () => { await loadMe(); navigate(back.startsWith('/') && !back.startsWith('//') ? back : '/'); }} />`;
    title = 'Sign in';
  } else ({ title, view: screen } = route(path, search, me));
  useEffect(() => {
    document.title = title + ' · Liaison';
    // Move focus to the new screen's heading, for keyboard and screen reader users.
    const h = document.querySelector('main h1');
    if (h) { h.setAttribute('tabindex', '-1'); h.focus({ preventScroll: true }); }
  }, [loc, title]);
  return html`<a class="skip" href="#main">Skip to the content</a><${Nav} me=${me} onSignOut=${signOut} /><div id="main">${screen}</div>`;
}

// The page's own "Loading…" goes before the app takes over.
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
