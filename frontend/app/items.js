// Action items: the list, one item with its status, edits and history.
import { html, useState } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, ApiError } from './api.js';
import { day, label, when } from './format.js';
import { STATUSES, PRIORITIES } from './enums.js';
import { Picker, FieldError } from './components.js';

// ItemList shows action items; those the caller may change get a status
// control, an update form and their history; staff also edit and delete.
export function ItemList({ items, staff, onChange }) {
  if (!items || items.length === 0) return html`<p class="empty">No action items.</p>`;
  return html`<ul class="items">${items.map((it) => html`<${Item} key=${it.id} item=${it} staff=${staff} onChange=${onChange} />`)}</ul>`;
}

export function Item({ item, staff, onChange }) {
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
