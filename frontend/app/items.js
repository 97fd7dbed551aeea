// Action items: the list, one item with its status, edits and history.
import { html, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, qs, ApiError } from './api.js';
import { day, label, when } from './format.js';
import { STATUSES, PRIORITIES } from './enums.js';
import { FieldError } from './forms.js';
import { Picker } from './components.js';

// ItemList shows action items; those the caller may change get a status
// control, an update form and their history; staff also edit and delete.
export function ItemList({ items, staff, orgs, onChange }) {
  if (!items || items.length === 0) return html`<p class="empty">No action items.</p>`;
  return html`<ul class="items">${items.map((it) => html`<${Item} key=${it.id} item=${it} staff=${staff} orgs=${orgs} onChange=${onChange} />`)}</ul>`;
}

function Item({ item, staff, orgs, onChange }) {
  const [it, setIt] = useState(item);
  const [status, setStatus] = useState(item.status);
  const [msg, setMsg] = useState(null);
  const [conflict, setConflict] = useState(false);
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState({});
  const [history, setHistory] = useState(null);
  const reload = async () => {
    const r = await api('GET', '/action-items/' + it.id);
    setIt(r.data); setStatus(r.data.status); setConflict(false); setMsg(null);
  };
  const failed = (x) => {
    if (x instanceof ApiError && x.status === 412) setConflict(true);
    else if (x instanceof ApiError && Object.keys(x.fieldErrors).length) setErrors(x.fieldErrors);
    else setMsg(x.message);
  };
  const patch = async (body) => {
    const r = await api('PATCH', '/action-items/' + it.id, body, { ifMatch: `"${it.version}"` });
    setIt(r.data); setStatus(r.data.status); setErrors({});
  };
  // A status change is an entry of the item's log, so that its history
  // shows who changed what and when.
  const saveStatus = async (e) => {
    e.preventDefault();
    const note = new FormData(e.target).get('note');
    try {
      await api('POST', '/action-items/' + it.id + '/updates', { body: note || 'Status set to ' + label(status) + '.', status }, { ifMatch: `"${it.version}"` });
      e.target.reset(); await reload(); setMsg('Status saved.'); loadHistory();
    } catch (x) { failed(x); }
  };
  const saveEdit = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      await patch({ title: f.title, owner_organization_id: f.owner_organization_id || null, due_on: f.due_on || null, priority: f.priority });
      setEditing(false); setMsg('Saved.');
    } catch (x) { failed(x); }
  };
  const remove = async () => {
    if (!confirm('Delete the action item "' + it.title + '"?')) return;
    try { await api('DELETE', '/action-items/' + it.id, undefined, { ifMatch: `"${it.version}"` }); onChange && onChange(); } catch (x) { failed(x); }
  };
  const addUpdate = async (e) => {
    e.preventDefault();
    const body = new FormData(e.target).get('body');
    try {
      await api('POST', '/action-items/' + it.id + '/updates', { body });
      e.target.reset(); setMsg('Update added.'); loadHistory();
    } catch (x) { setMsg((x.fieldErrors && x.fieldErrors.body) || x.message); }
  };
  const loadHistory = () => get('/action-items/' + it.id + '/updates?limit=200').then((d) => setHistory(d.items), (x) => setMsg(x.message));
  const owner = it.owner_redacted ? 'owner withheld' : [it.owner_person && it.owner_person.full_name, it.owner_organization && it.owner_organization.name].filter(Boolean).join(', ');
  const prefix = 'item-' + it.id + '-';
  return html`<li class=${it.overdue ? 'overdue' : ''} data-item=${it.id}>
    <div><strong>${it.title}</strong> ${it.overdue && html`<span class="flag">overdue</span>`}</div>
    <div class="meta">due ${day(it.due_on)} · ${label(it.priority)} · ${owner || 'no owner'} · ${it.meeting_id ? html`<a href=${'/meetings/' + it.meeting_id}>${it.meeting_title}</a>` : 'assigned to you from a meeting you cannot see'}</div>
    ${it.can_edit ? html`<form class="update" onSubmit=${saveStatus} aria-label=${'Status of ' + it.title}>
        <label>Status <select aria-label=${'Status of ' + it.title} value=${status} onChange=${(e) => setStatus(e.target.value)}>
          ${STATUSES.map((s) => html`<option value=${s}>${label(s)}</option>`)}</select></label>
        <label>Note (optional) <input name="note" /></label>
        <button type="submit" disabled=${status === it.status}>Save status</button></form>
      <form class="update" onSubmit=${addUpdate}><label>Add an update <input name="body" required /></label><button type="submit">Add</button></form>`
      : html`<div>Status: ${label(it.status)}</div>`}
    ${staff && !editing && html`<p class="actions"><button type="button" class="secondary" onClick=${() => setEditing(true)}>Edit</button> <button type="button" class="secondary" onClick=${remove}>Delete</button></p>`}
    ${staff && editing && html`<form class="stacked" onSubmit=${saveEdit} aria-label=${'Edit ' + it.title} novalidate>
      <label for=${prefix + 'title'}>Title</label><input id=${prefix + 'title'} name="title" value=${it.title} aria-invalid=${errors.title ? 'true' : null} aria-describedby=${errors.title ? 'err-title' : null} /><${FieldError} errors=${errors} name="title" />
      <label for=${prefix + 'owner'}>Owner organisation (empty: none)</label><${Picker} id=${prefix + 'owner'} name="owner_organization_id" path="/organizations" value=${it.owner_organization_id || ''} label=${(it.owner_organization && it.owner_organization.name) || ''} /><${FieldError} errors=${errors} name="owner_organization_id" />
      <label for=${prefix + 'due'}>Due</label><input id=${prefix + 'due'} name="due_on" type="date" value=${it.due_on || ''} /><${FieldError} errors=${errors} name="due_on" />
      <label for=${prefix + 'priority'}>Priority</label><select id=${prefix + 'priority'} name="priority" value=${it.priority}>${PRIORITIES.map((p) => html`<option value=${p}>${p}</option>`)}</select>
      <button type="submit">Save the item</button> <button type="button" class="secondary" onClick=${() => setEditing(false)}>Cancel</button>
    </form>`}
    <p><button type="button" class="link" aria-expanded=${history !== null} onClick=${() => (history === null ? loadHistory() : setHistory(null))}>${history === null ? 'Show history' : 'Hide history'}</button></p>
    ${history && (history.length === 0 ? html`<p class="empty">No updates yet.</p>` : html`<ol class="history">${history.map((u) => html`<li>
      <span class="meta">${when(u.created_at, 'UTC')}${u.author_redacted ? ' · author withheld' : ''}</span>
      ${u.status_to && html` <span>status ${label(u.status_from || '')} → ${label(u.status_to)}</span>`} ${u.body}</li>`)}</ol>`)}
    ${conflict && html`<p class="error" role="alert">Someone else changed this action item. <button type="button" onClick=${reload}>Reload it</button></p>`}
    ${msg && html`<p class="note" role="status">${msg}</p>`}
  </li>`;
}

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
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${rows === null && !error ? html`<p class="loading" aria-live="polite">Loading…</p>` : rows && rows.length === 0 ? html`<p class="empty">No action items match.</p>` : rows && html`
    <div class="table-wrap"><table class="grid items-table"><thead><tr>${th('title')}<th scope="col">Owner</th>${th('due_on')}<th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Meeting</th>${th('updated_at')}</tr></thead>
      <tbody>${rows.map((it) => html`<tr class=${it.overdue ? 'overdue' : ''}>
        <td><button type="button" class="link" aria-expanded=${open === it.id} onClick=${() => setOpen(open === it.id ? null : it.id)}>${it.title}</button>${it.overdue && html` <span class="flag">overdue</span>`}</td>
        <td>${it.owner_redacted ? 'withheld' : [it.owner_person && it.owner_person.full_name, it.owner_organization && it.owner_organization.name].filter(Boolean).join(', ') || '—'}</td>
        <td>${day(it.due_on)}</td><td>${label(it.status)}</td><td>${it.priority}</td>
        <td>${it.meeting_id ? html`<a href=${'/meetings/' + it.meeting_id}>${it.meeting_title}</a>` : 'not yours to see'}</td>
        <td>${it.updated_at.slice(0, 10)}</td></tr>
        ${open === it.id && html`<tr class="detail"><td colspan="7"><ul class="items"><${Item} item=${it} staff=${staff} orgs=${[]} onChange=${() => load()} /></ul></td></tr>`}`)}</tbody></table></div>
    ${next && html`<p><button type="button" onClick=${() => load(next)}>Load more</button></p>`}`}
  </main>`;
}

