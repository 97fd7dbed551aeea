// The action item list as a dense table.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { get, qs } from '../api.js';
import { day, label } from '../format.js';
import { STATUSES, PRIORITIES } from '../enums.js';
import { Picker } from '../components.js';
import { Item } from '../items.js';

const SORTS = { due_on: 'Due', title: 'Title', created_at: 'Created', updated_at: 'Changed' };

// filterSummary says in words which filters are in force.
function filterSummary(p, orgName) {
  const parts = [];
  if (p.owner === 'me') parts.push('owned by you or your organisation');
  if (p.owner_organization) parts.push('owned by ' + (orgName || 'an organisation'));
  if (p.status) parts.push('status ' + p.status.split(',').map(label).join(' or '));
  if (p.priority) parts.push('priority ' + p.priority.split(',').join(' or '));
  if (p.overdue === 'true') parts.push('overdue');
  if (p.due_after) parts.push('due after ' + day(p.due_after));
  if (p.due_before) parts.push('due before ' + day(p.due_before));
  if (p.q) parts.push('matching “' + p.q + '”');
  return parts.length ? 'Showing action items ' + parts.join(', ') + '.' : 'Showing every action item you may see.';
}

// ActionItemTable is the action item list as a dense table: filters for
// every filter of the API, in the URL; sorting by column; pages loaded on
// demand; a row opens the item to change it.
export function ActionItemTable({ search, me, navigate }) {
  const params = Object.fromEntries(new URLSearchParams(search));
  const sort = params.sort || 'due_on';
  const [rows, setRows] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(null);
  const [orgName, setOrgName] = useState('');
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const load = (cursor) => get('/action-items' + qs({ limit: 50, ...params, sort, cursor })).then((d) => {
    setRows((r) => (cursor ? [...(r || []), ...d.items] : d.items)); setNext(d.next_cursor); setError(null);
  }, setError);
  useEffect(() => { setRows(null); setOpen(null); load(); }, [search]);
  useEffect(() => {
    if (params.owner_organization) get('/organizations/' + params.owner_organization).then((o) => setOrgName(o.name), () => setOrgName(''));
  }, [params.owner_organization]);
  const apply = (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    f.overdue = f.overdue ? 'true' : '';
    navigate('/action-items' + qs({ ...f, sort }));
  };
  const sortBy = (key) => navigate('/action-items' + qs({ ...params, sort: sort === key ? '-' + key : key }));
  const th = (key) => {
    const dir = sort === key ? 'ascending' : sort === '-' + key ? 'descending' : 'none';
    return html`<th scope="col" aria-sort=${dir}><button type="button" class="link" onClick=${() => sortBy(key)}>${SORTS[key]}${dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</button></th>`;
  };
  return html`<main><h1>${params.owner === 'me' ? 'My action items' : 'Action items'}</h1>
    <details class="filter-panel" open=${!window.matchMedia || !window.matchMedia('(max-width: 40rem)').matches}><summary>Filters</summary>
    <form class="filters" onSubmit=${apply} aria-label="Filter action items">
      <label>Search <input name="q" value=${params.q || ''} /></label>
      <label>Status <select name="status" value=${params.status || ''}><option value="">any</option><option value="open,in_progress,blocked">not finished</option>${STATUSES.map((s) => html`<option value=${s}>${label(s)}</option>`)}</select></label>
      <label>Priority <select name="priority" value=${params.priority || ''}><option value="">any</option><option value="high,critical">high or critical</option>${PRIORITIES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Owner <select name="owner" value=${params.owner || ''}><option value="">anyone</option><option value="me">me or my organisation</option></select></label>
      <label>Owner organisation <${Picker} name="owner_organization" path="/organizations" ariaLabel="Owner organisation" value=${params.owner_organization || ''} label=${orgName} /></label>
      <label>Due after <input name="due_after" type="date" value=${params.due_after || ''} /></label>
      <label>Due before <input name="due_before" type="date" value=${params.due_before || ''} /></label>
      <label class="check"><input name="overdue" type="checkbox" checked=${params.overdue === 'true'} /> Overdue only</label>
      <button type="submit">Apply</button> <a href=${'/action-items' + (params.owner === 'me' ? '?owner=me' : '')}>Clear</a>
    </form></details>
    <p class="summary" role="status">${filterSummary(params, orgName)}</p>
    <p class="toolbar"><a class="button" href=${'/api/v1/action-items.csv' + qs({ ...params, sort, cursor: '', limit: '' })} download>Export CSV</a></p>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${rows === null && !error ? html`<p class="loading" aria-live="polite">Loading…</p>` : rows && rows.length === 0 ? html`<p class="empty">No action items match.</p>` : rows && html`
    <div class="table-wrap"><table class="grid items-table"><thead><tr>${th('title')}<th scope="col">Owner</th>${th('due_on')}<th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Meeting</th>${th('updated_at')}</tr></thead>
      <tbody>${rows.map((it) => html`<tr class=${it.overdue ? 'overdue' : ''}>
        <td><button type="button" class="link" aria-expanded=${open === it.id} onClick=${() => setOpen(open === it.id ? null : it.id)}>${it.title}</button>${it.overdue && html` <span class="flag">overdue</span>`}</td>
        <td>${it.owner_redacted ? 'withheld' : [it.owner_person && it.owner_person.full_name, it.owner_organization && it.owner_organization.name].filter(Boolean).join(', ') || '—'}</td>
        <td>${day(it.due_on)}</td><td>${label(it.status)}</td><td>${it.priority}</td>
        <td>${it.meeting_id ? html`<a href=${'/meetings/' + it.meeting_id}>${it.meeting_title}</a>` : 'not yours to see'}</td>
        <td>${it.updated_at.slice(0, 10)}</td></tr>
        ${open === it.id && html`<tr class="detail"><td colspan="7"><ul class="items"><${Item} item=${it} staff=${staff} onChange=${() => load()} /></ul></td></tr>`}`)}</tbody></table></div>
    ${next && html`<p><button type="button" onClick=${() => load(next)}>Load more</button></p>`}`}
  </main>`;
}


