// Liaison's web UI: a small single-page app over the public JSON API.
// The URL holds the screen and its filters, so every view can be linked.
import { html, render, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, qs, ApiError } from './api.js';
import { when, day, label, TLPS, STATUSES, SECTORS } from './format.js';
import { NewMeeting, Directory, Tokens, Users, Audit } from './forms.js';

// Navigation: links are ordinary anchors; clicks on same-origin links are
// turned into history pushes.
function navigate(to) {
  history.pushState(null, '', to);
  window.dispatchEvent(new Event('popstate'));
}
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="/"]');
  if (!a || a.target || e.metaKey || e.ctrlKey || a.getAttribute('href').startsWith('/api/')) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});

function useLocation() {
  const [loc, setLoc] = useState(location.pathname + location.search);
  useEffect(() => {
    const on = () => setLoc(location.pathname + location.search);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return loc;
}

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
  return html`<header class="top"><nav aria-label="Main">
    <a href="/" class="brand">Liaison</a>
    ${me && html`<a href="/">Dashboard</a><a href="/meetings">Meetings</a><a href="/action-items?owner=me">My action items</a>`}
    ${admin && html`<a href="/action-items">All action items</a><a href="/meetings/new">Log a meeting</a><a href="/audit">Audit</a>`}
    ${me && html`<a href="/directory">Directory</a><a href="/tokens">Tokens</a>`}
    ${me && me.user.role === 'admin' && html`<a href="/users">Users</a>`}
    <a href="/public">Public readouts</a>
    ${me ? html`<span class="who">${me.user.email} · ${me.user.role}</span><button type="button" onClick=${onSignOut}>Sign out</button>`
         : html`<a href="/login">Sign in</a>`}
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
function MonthsByTLP({ buckets }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return html`<table class="bars"><caption>Meetings per month, by TLP</caption><tbody>
    ${buckets.map((b) => html`<tr><th scope="row"><a href=${'/meetings?from=' + b.key + '-01&to=' + nextMonth(b.key)}>${b.key}</a></th>
      <td><span class="stack" style=${'width:' + Math.round((100 * b.count) / max) + '%'}>${TLPS.filter((t) => b.by_tlp[t] > 0).map((t) =>
        html`<a class=${'seg seg-' + t.replace('+', '-').toLowerCase()} style=${'flex:' + b.by_tlp[t]} href=${'/meetings?tlp=' + encodeURIComponent(t) + '&from=' + b.key + '-01&to=' + nextMonth(b.key)} title=${t + ': ' + b.by_tlp[t]}></a>`)}</span>
        <span class="sr-text">${b.count} (${TLPS.filter((t) => b.by_tlp[t] > 0).map((t) => t + ' ' + b.by_tlp[t]).join(', ')})</span></td></tr>`)}
  </tbody></table>
  <p class="legend">${TLPS.map((t) => html`<span><span class=${'seg-key seg-' + t.replace('+', '-').toLowerCase()}></span>${t}</span>`)}</p>`;
}

function nextMonth(key) {
  const [y, m] = key.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

function Dashboard() {
  const st = useLoad(() => Promise.all([
    get('/stats/overview'), get('/stats/meetings?group_by=month'), get('/stats/action-items?group_by=status'),
    get('/stats/action-items?group_by=owner_organization'), get('/stats/meetings?group_by=topic'),
    get('/action-items' + qs({ status: 'open,in_progress,blocked', sort: 'due_on', due_after: new Date(Date.now() - 864e5).toISOString().slice(0, 10), limit: 5 })),
  ]), []);
  return html`<main><h1>Dashboard</h1><${Loading} state=${st}>${([o, months, status, owners, topics, upcoming]) => html`
    <section class="figures" aria-label="Key figures">
      <a class="figure" href="/meetings"><strong>${o.meetings.total}</strong> meetings</a>
      <a class="figure" href="/action-items?overdue=true"><strong data-testid="overdue">${o.action_items.overdue}</strong> overdue action items</a>
      <a class="figure" href="/action-items?status=open,in_progress,blocked&due_before=${new Date(Date.now() + 8 * 864e5).toISOString().slice(0, 10)}"><strong>${o.action_items.due_next_7_days}</strong> due in the next 7 days</a>
      <div class="figure"><strong data-testid="completion">${Math.round(o.action_items.completion_rate * 100)}%</strong> completed</div>
      <div class="figure"><strong>${o.action_items.median_days_to_close ?? '–'}</strong> median days to close</div>
      <div class="figure">${o.attendees.withheld === null ? html`<strong>${o.attendees.disclosed}</strong> attendees disclosed; the withheld are not counted here` : html`<strong>${o.attendees.withheld}</strong> of ${o.attendees.total} attendees withheld`}</div>
    </section>
    <div class="charts">
      <div><${MonthsByTLP} buckets=${months.buckets} /></div>
      <${Bars} caption="Action items by status" rows=${status.buckets.map((b) => ({ label: label(b.key), count: b.count, key: b.key }))}
        href=${(r) => '/action-items?status=' + r.key} />
      <${Bars} caption="Overdue by owner organisation" rows=${owners.buckets.filter((b) => b.overdue > 0).map((b) => ({ label: b.label || label(b.key), count: b.overdue, key: b.key }))}
        href=${(r) => (r.key === 'withheld' || r.key === 'none' ? null : '/action-items?overdue=true&owner_organization=' + r.key)} />
      <${Bars} caption="Top topics" rows=${topics.buckets.slice(0, 8).map((b) => ({ label: b.label || b.key, count: b.count, key: b.key }))}
        href=${(r) => '/meetings?topic=' + encodeURIComponent(r.key)} />
    </div>
    <h2>Upcoming due dates</h2>
    <${ItemList} items=${upcoming.items} />`}<//></main>`;
}

function TLPBadge({ tlp }) {
  return html`<span class=${'tlp tlp-' + tlp.replace('+', '-').toLowerCase()}>TLP:${tlp}</span>`;
}

function Meetings({ search }) {
  const params = Object.fromEntries(new URLSearchParams(search));
  const [orgs, setOrgs] = useState([]);
  useEffect(() => { get('/organizations?limit=200').then((d) => setOrgs(d.items), () => {}); }, []);
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
      <label>Kind <select name="kind" value=${params.kind || ''}><option value="">any</option>${['briefing', 'roundtable', 'working_session', 'bilateral', 'call', 'other'].map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>From <input name="from" type="date" value=${params.from || ''} /></label>
      <label>To <input name="to" type="date" value=${params.to || ''} /></label>
      <label>Topic <input name="topic" value=${params.topic || ''} /></label>
      <label>Sector <select name="sector" value=${params.sector || ''}><option value="">any</option>${SECTORS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>Organisation <select name="organization" value=${params.organization || ''}><option value="">any</option>${orgs.map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select></label>
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

function Attendee({ a }) {
  const who = a.redacted
    ? (a.organization ? `${a.organization.name} (person withheld)` : `withheld — ${a.sector === null ? 'sector withheld' : label(a.sector) || 'sector not recorded'}`)
    : `${a.person ? a.person.full_name + ', ' : ''}${a.organization ? a.organization.name : ''}`;
  return html`<li class=${a.redacted ? 'withheld' : ''}>${who}
    <span class="meta"> · ${a.role} · ${a.attendance} · ${label(a.disclosure)}${a.withholding_reason ? ' (' + label(a.withholding_reason) + ')' : ''}</span></li>`;
}

function MeetingPage({ id }) {
  const st = useLoad(() => Promise.all([get('/meetings/' + id), get('/meetings/' + id + '/action-items?limit=200')]), [id]);
  return html`<main><${Loading} state=${st}>${([m, items]) => html`
    <div class=${'banner tlp-' + m.tlp.replace('+', '-').toLowerCase()} role="note">TLP:${m.tlp}</div>
    <h1>${m.title}</h1>
    <p class="meta">${when(m.starts_at, m.timezone)} · ${m.location} · ${label(m.modality)} · ${label(m.kind)} · ${m.status}</p>
    <p>Host: ${m.host ? m.host.name : ''}</p>
    ${m.topics.length > 0 && html`<p>Topics: ${m.topics.map((t, i) => html`${i ? ', ' : ''}<a href=${'/meetings?topic=' + encodeURIComponent(t.name)}>${t.name}</a>`)}</p>`}
    ${m.follow_up_of_id && html`<p>Follows up <a href=${'/meetings/' + m.follow_up_of_id}>an earlier meeting</a>.</p>`}
    ${m.follow_ups && m.follow_ups.length > 0 && html`<p>Followed up by: ${m.follow_ups.map((f, i) => html`${i ? ', ' : ''}<a href=${'/meetings/' + f.id}>${f.title}</a>`)}</p>`}
    <h2>Attendees</h2><ul class="attendees">${m.attendees.map((a) => html`<${Attendee} a=${a} />`)}</ul>
    ${m.summary && html`<h2>Summary</h2><p class="prose">${m.summary}</p>`}
    ${m.public_readout && html`<h2>Public readout</h2><p class="prose">${m.public_readout}</p>`}
    <h2>Action items</h2><${ItemList} items=${items.items} />`}<//></main>`;
}

// ItemList shows action items; those the caller may change get a status
// control and an update form.
function ItemList({ items }) {
  if (!items || items.length === 0) return html`<p class="empty">No action items.</p>`;
  return html`<ul class="items">${items.map((it) => html`<${Item} key=${it.id} item=${it} />`)}</ul>`;
}

function Item({ item }) {
  const [it, setIt] = useState(item);
  const [msg, setMsg] = useState(null);
  const [conflict, setConflict] = useState(false);
  const reload = async () => {
    const r = await api('GET', '/action-items/' + it.id);
    setIt(r.data); setConflict(false); setMsg(null);
  };
  const setStatus = async (status) => {
    try {
      const r = await api('PATCH', '/action-items/' + it.id, { status }, { ifMatch: `"${it.version}"` });
      setIt(r.data); setMsg('Saved.');
    } catch (x) {
      if (x instanceof ApiError && x.status === 412) setConflict(true);
      else setMsg(x.message);
    }
  };
  const addUpdate = async (e) => {
    e.preventDefault();
    const body = new FormData(e.target).get('body');
    try {
      await api('POST', '/action-items/' + it.id + '/updates', { body });
      e.target.reset(); setMsg('Update added.');
    } catch (x) { setMsg(x.fieldErrors.body || x.message); }
  };
  const owner = it.owner_redacted ? 'owner withheld' : [it.owner_person && it.owner_person.full_name, it.owner_organization && it.owner_organization.name].filter(Boolean).join(', ');
  return html`<li class=${it.overdue ? 'overdue' : ''} data-item=${it.id}>
    <div><strong>${it.title}</strong> ${it.overdue && html`<span class="flag">overdue</span>`}</div>
    <div class="meta">due ${day(it.due_on)} · ${label(it.priority)} · ${owner || 'no owner'} · ${it.meeting_id ? html`<a href=${'/meetings/' + it.meeting_id}>${it.meeting_title}</a>` : 'assigned to you from a meeting you cannot see'}</div>
    ${it.can_edit ? html`<label>Status <select aria-label=${'Status of ' + it.title} value=${it.status} onChange=${(e) => setStatus(e.target.value)}>
        ${STATUSES.map((s) => html`<option value=${s}>${label(s)}</option>`)}</select></label>
      <form class="update" onSubmit=${addUpdate}><label>Add an update <input name="body" required /></label><button type="submit">Add</button></form>`
      : html`<div>Status: ${label(it.status)}</div>`}
    ${conflict && html`<p class="error" role="alert">Someone else changed this action item. <button type="button" onClick=${reload}>Reload it</button></p>`}
    ${msg && html`<p class="note" role="status">${msg}</p>`}
  </li>`;
}

function ActionItems({ search }) {
  const params = Object.fromEntries(new URLSearchParams(search));
  const st = useLoad(() => get('/action-items' + qs({ sort: 'due_on', limit: 100, ...params })), [search]);
  const title = params.owner === 'me' ? 'My action items' : 'Action items';
  return html`<main><h1>${title}</h1><${Loading} state=${st}>${(page) => html`<${ItemList} items=${page.items} />`}<//></main>`;
}

function PublicReadouts() {
  const st = useLoad(() => get('/public/meetings?limit=50'), []);
  return html`<main><h1>Public readouts</h1>
    <p><a href="/api/v1/public/readouts.atom">Atom feed</a></p>
    <${Loading} state=${st}>${(page) => page.items.length === 0 ? html`<p class="empty">No public readouts yet.</p>` : html`
    ${page.items.map((m) => html`<article class="readout"><h2>${m.title}</h2>
      <p class="meta">${when(m.starts_at, m.timezone)} · hosted by ${m.host}${m.topics.length ? ' · ' + m.topics.join(', ') : ''}</p>
      <p class="prose">${m.public_readout}</p>
      ${m.attendees.length > 0 && html`<p>Attendees: ${m.attendees.map((a) => (a.name ? `${a.name}, ${a.organization}` : a.organization)).join('; ')}</p>`}
      ${m.withheld_total > 0 && html`<p class="withheld">Attendees withheld: ${m.withheld_by_sector.map((s) => `${s.count} (${label(s.sector)})`).join(', ')}</p>`}
    </article>`)}`}<//></main>`;
}

function App() {
  const loc = useLocation();
  const [me, setMe] = useState(undefined);
  const loadMe = () => get('/me').then(setMe, () => setMe(null));
  useEffect(() => { loadMe(); }, []);
  const [path, search] = loc.split('?');
  const signOut = async () => { await api('POST', '/auth/logout').catch(() => {}); setMe(null); navigate('/login'); };
  let screen;
  if (path === '/public') screen = html`<${PublicReadouts} />`;
  else if (me === undefined) screen = html`<p class="loading">Loading…</p>`;
  else if (me === null || path === '/login') screen = html`<${SignIn} onSignedIn=${() => { loadMe(); navigate('/'); }} />`;
  else if (path === '/meetings') screen = html`<${Meetings} search=${search || ''} />`;
  else if (path === '/meetings/new') screen = html`<${NewMeeting} navigate=${navigate} />`;
  else if (path === '/directory') screen = html`<${Directory} me=${me} />`;
  else if (path === '/tokens') screen = html`<${Tokens} />`;
  else if (path === '/users') screen = html`<${Users} />`;
  else if (path === '/audit') screen = html`<${Audit} />`;
  else if (path.startsWith('/meetings/')) screen = html`<${MeetingPage} id=${path.slice('/meetings/'.length)} />`;
  else if (path === '/action-items') screen = html`<${ActionItems} search=${search || ''} />`;
  else screen = html`<${Dashboard} />`;
  return html`<${Nav} me=${me} onSignOut=${signOut} />${screen}`;
}

render(html`<${App} />`, document.getElementById('app'));
