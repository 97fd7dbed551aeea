// Forms: logging a meeting, and the admin screens. Problem details from
// the API are shown next to the fields they name.
import { html, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, ApiError } from './api.js';
import { Picker } from './components.js';
import { label, timeZones, userTZ, wallToInstant } from './format.js';
import { TLPS, SECTORS, DISCLOSURES, REASONS, ORG_KINDS, TOPIC_KINDS, USER_ROLES, MEETING_KINDS, MODALITIES, MEETING_STATUSES, ATTENDANCE, PRIORITIES } from './enums.js';

export function FieldError({ errors, name }) {
  const msg = errors && errors[name];
  return msg ? html`<span class="field-error" id=${'err-' + name.replace(/[^a-z0-9]/gi, '-')}>${msg}</span>` : null;
}


export function NewMeeting({ navigate }) {
  const [orgs, setOrgs] = useState([]);
  const [people, setPeople] = useState([]);
  const [attendees, setAttendees] = useState([]);
  const [items, setItems] = useState([]);
  const [errors, setErrors] = useState(null);
  const [problem, setProblem] = useState(null);
  const [tz, setTZ] = useState(userTZ);
  // The rows' lists; the host is searched as one types.
  useEffect(() => {
    get('/organizations?limit=200').then((d) => setOrgs(d.items), () => {});
    get('/people?limit=200').then((d) => setPeople(d.items), () => {});
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    const tz = f.timezone || 'UTC';
    const body = {
      title: f.title, starts_at: wallToInstant(f.starts_at, tz), ends_at: wallToInstant(f.ends_at, tz), timezone: tz,
      location: f.location, modality: f.modality, kind: f.kind, status: f.status, tlp: f.tlp,
      host_organization_id: f.host_organization_id, summary: f.summary, public_readout: f.public_readout,
      topics: (f.topics || '').split(',').map((s) => s.trim()).filter(Boolean),
      attendees: attendees.map((a) => ({ person_id: a.person_id || null, organization_id: a.organization_id || '', attendance: a.attendance, disclosure: a.disclosure, withholding_reason: a.disclosure === 'public' ? '' : a.withholding_reason })),
      action_items: items.map((it) => ({ title: it.title, owner_organization_id: it.owner_organization_id || null, due_on: it.due_on || null, priority: it.priority })),
    };
    if (!body.starts_at) delete body.starts_at;
    if (!body.ends_at) delete body.ends_at;
    try {
      const r = await api('POST', '/meetings', body);
      navigate('/meetings/' + r.data.id);
    } catch (x) {
      if (x instanceof ApiError) { setErrors(x.fieldErrors); setProblem(x.message); } else setProblem(String(x));
    }
  };
  const upd = (list, set, i, k) => (e) => { const n = [...list]; n[i] = { ...n[i], [k]: e.target.value }; set(n); };
  const drop = (list, set, i) => () => { setErrors(null); set(list.filter((_, j) => j !== i)); };
  // Every error is tied to its control (aria-invalid, aria-describedby),
  // and focus goes to the first, or to the message when no field is named.
  useEffect(() => {
    const form = document.querySelector('form.meeting-form');
    if (!form) return;
    form.querySelectorAll('[aria-invalid]').forEach((el) => { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); });
    if (!errors && !problem) return;
    let first = null;
    for (const name of Object.keys(errors || {})) {
      const m = name.match(/^(attendees|action_items)\[(\d+)\]\.(\w+)$/);
      const el = m ? form.querySelector(`[data-${m[1] === 'attendees' ? 'attendee' : 'item-row'}="${m[2]}"] [data-field="${m[3]}"]`) : form.querySelector('#f-' + name);
      if (!el) continue;
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', 'err-' + name.replace(/[^a-z0-9]/gi, '-'));
      if (!first || first.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) first = el;
    }
    (first || form.querySelector('[role=alert]'))?.focus();
  }, [errors, problem]);
  const err = errors || {};
  const field = (name, lbl, input) => html`<div class="field"><label for=${'f-' + name}>${lbl}</label>${input}<${FieldError} errors=${err} name=${name} /></div>`;
  return html`<main><h1>Log a meeting</h1>
    <form onSubmit=${submit} class="meeting-form" novalidate>
      ${problem && html`<p class="error" role="alert" tabindex="-1">${problem}${errors && Object.keys(errors).length ? ` (${Object.keys(errors).length} to correct)` : ''}</p>`}
      ${field('title', 'Title', html`<input id="f-title" name="title" required />`)}
      ${field('timezone', 'Time zone of the meeting', html`<select id="f-timezone" name="timezone" value=${tz} onChange=${(e) => setTZ(e.target.value)}>${timeZones.map((z) => html`<option value=${z}>${z.replaceAll('_', ' ')}</option>`)}</select>`)}
      ${field('starts_at', 'Starts (' + tz + ')', html`<input id="f-starts_at" name="starts_at" type="datetime-local" required />`)}
      ${field('ends_at', 'Ends (' + tz + ')', html`<input id="f-ends_at" name="ends_at" type="datetime-local" required />`)}
      ${field('location', 'Location', html`<input id="f-location" name="location" />`)}
      ${field('tlp', 'TLP', html`<select id="f-tlp" name="tlp"><option value="">choose…</option>${TLPS.map((t) => html`<option value=${t}>${t}</option>`)}</select>`)}
      ${field('kind', 'Kind', html`<select id="f-kind" name="kind">${MEETING_KINDS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select>`)}
      ${field('modality', 'Modality', html`<select id="f-modality" name="modality">${MODALITIES.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select>`)}
      ${field('status', 'Status', html`<select id="f-status" name="status"><option value="scheduled">scheduled</option><option value="held">held</option><option value="cancelled">cancelled</option></select>`)}
      ${field('host_organization_id', 'Host organisation', html`<${Picker} id="f-host_organization_id" name="host_organization_id" path="/organizations" />`)}
      ${field('topics', 'Topics (comma-separated)', html`<input id="f-topics" name="topics" />`)}
      ${field('summary', 'Summary (internal)', html`<textarea id="f-summary" name="summary" rows="3"></textarea>`)}
      ${field('public_readout', 'Public readout', html`<textarea id="f-public_readout" name="public_readout" rows="3"></textarea>`)}
      <fieldset><legend>Attendees</legend>
        ${attendees.map((a, i) => html`<div class="row" data-attendee=${i}>
          <label>Person <select data-field="person_id" aria-label=${'Attendee ' + (i + 1) + ' person'} value=${a.person_id} onChange=${upd(attendees, setAttendees, i, 'person_id')}><option value="">(organisation only)</option>${people.map((p) => html`<option value=${p.id}>${p.full_name}</option>`)}</select></label>
          <label>Organisation <select data-field="organization_id" aria-label=${'Attendee ' + (i + 1) + ' organisation'} value=${a.organization_id} onChange=${upd(attendees, setAttendees, i, 'organization_id')}><option value="">(the person's)</option>${orgs.map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select></label>
          <label>Attendance <select value=${a.attendance} onChange=${upd(attendees, setAttendees, i, 'attendance')}>${ATTENDANCE.map((k) => html`<option value=${k}>${k}</option>`)}</select></label>
          <label>Disclosure <select data-field="disclosure" aria-label=${'Attendee ' + (i + 1) + ' disclosure'} value=${a.disclosure} onChange=${upd(attendees, setAttendees, i, 'disclosure')}>${DISCLOSURES.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
          ${a.disclosure !== 'public' && html`<label>Reason <select data-field="withholding_reason" aria-label=${'Attendee ' + (i + 1) + ' withholding reason'} value=${a.withholding_reason} onChange=${upd(attendees, setAttendees, i, 'withholding_reason')}>${REASONS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>`}
          <button type="button" class="secondary" onClick=${drop(attendees, setAttendees, i)} aria-label=${'Remove attendee ' + (i + 1)}>Remove</button>
          ${['person_id', 'organization_id', 'disclosure', 'withholding_reason'].map((k) => html`<${FieldError} errors=${err} name=${'attendees[' + i + '].' + k} />`)}
        </div>`)}
        <button type="button" class="secondary" onClick=${() => setAttendees([...attendees, { person_id: '', organization_id: '', attendance: 'attended', disclosure: 'public', withholding_reason: 'national_security' }])}>Add an attendee</button>
      </fieldset>
      <fieldset><legend>Action items</legend>
        ${items.map((it, i) => html`<div class="row" data-item-row=${i}>
          <label>Title <input data-field="title" aria-label=${'Action item ' + (i + 1) + ' title'} value=${it.title} onInput=${upd(items, setItems, i, 'title')} /></label>
          <label>Owner organisation <select data-field="owner_organization_id" aria-label=${'Action item ' + (i + 1) + ' owner'} value=${it.owner_organization_id} onChange=${upd(items, setItems, i, 'owner_organization_id')}><option value="">none</option>${orgs.map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select></label>
          <label>Due <input data-field="due_on" type="date" aria-label=${'Action item ' + (i + 1) + ' due date'} value=${it.due_on} onInput=${upd(items, setItems, i, 'due_on')} /></label>
          <label>Priority <select value=${it.priority} onChange=${upd(items, setItems, i, 'priority')}>${PRIORITIES.map((k) => html`<option value=${k}>${k}</option>`)}</select></label>
          <button type="button" class="secondary" onClick=${drop(items, setItems, i)} aria-label=${'Remove action item ' + (i + 1)}>Remove</button>
          ${['title', 'owner_organization_id', 'due_on'].map((k) => html`<${FieldError} errors=${err} name=${'action_items[' + i + '].' + k} />`)}
        </div>`)}
        <button type="button" class="secondary" onClick=${() => setItems([...items, { title: '', owner_organization_id: '', due_on: '', priority: 'medium' }])}>Add an action item</button>
      </fieldset>
      <button type="submit">Log the meeting</button>
    </form></main>`;
}


// useCreate posts a form's fields and keeps the field errors of a refusal.
function useCreate(path, toBody, done) {
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.target;
    try {
      await api('POST', path, toBody(Object.fromEntries(new FormData(form))));
      setErrors({}); setProblem(null); form.reset(); done();
    } catch (x) {
      if (x instanceof ApiError) { setErrors(x.fieldErrors); setProblem(Object.keys(x.fieldErrors).length ? null : x.message); } else setProblem(String(x));
    }
  };
  return { errors, problem, submit };
}

export function Directory({ me }) {
  const [q, setQ] = useState('');
  const [orgs, setOrgs] = useState(null);
  const [people, setPeople] = useState(null);
  const [n, setN] = useState(0);
  const reload = () => setN(n + 1);
  useEffect(() => {
    const p = new URLSearchParams({ limit: 100 });
    if (q) p.set('q', q);
    get('/organizations?' + p).then((d) => setOrgs(d.items));
    get('/people?' + p).then((d) => setPeople(d.items));
  }, [q, n]);
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const [editing, setEditing] = useState(null);
  const org = useCreate('/organizations', (f) => ({ name: f.name, kind: f.kind, sector: f.sector, country: f.country }), reload);
  const person = useCreate('/people', (f) => ({ full_name: f.full_name, job_title: f.job_title, email: f.email, organization_id: f.organization_id }), reload);
  return html`<main><h1>Directory</h1>
    ${staff && html`<div class="charts">
      <form class="stacked" onSubmit=${org.submit} aria-label="Add an organisation" novalidate><h2>Add an organisation</h2>
        ${org.problem && html`<p class="error" role="alert">${org.problem}</p>`}
        <label for="org-name">Name</label><input id="org-name" name="name" required /><${FieldError} errors=${org.errors} name="name" />
        <label for="org-kind">Kind</label><select id="org-kind" name="kind">${ORG_KINDS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select><${FieldError} errors=${org.errors} name="kind" />
        <label for="org-sector">Sector</label><select id="org-sector" name="sector"><option value="">none (government or international)</option>${SECTORS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select><${FieldError} errors=${org.errors} name="sector" />
        <label for="org-country">Country (two letters)</label><input id="org-country" name="country" maxlength="2" /><${FieldError} errors=${org.errors} name="country" />
        <button type="submit">Add the organisation</button>
      </form>
      <form class="stacked" onSubmit=${person.submit} aria-label="Add a person" novalidate><h2>Add a person</h2>
        ${person.problem && html`<p class="error" role="alert">${person.problem}</p>`}
        <label for="person-name">Full name</label><input id="person-name" name="full_name" required /><${FieldError} errors=${person.errors} name="full_name" />
        <label for="person-title">Job title</label><input id="person-title" name="job_title" /><${FieldError} errors=${person.errors} name="job_title" />
        <label for="person-email">Email</label><input id="person-email" name="email" type="email" /><${FieldError} errors=${person.errors} name="email" />
        <label for="person-org">Organisation</label><${Picker} id="person-org" name="organization_id" path="/organizations" /><${FieldError} errors=${person.errors} name="organization_id" />
        <button type="submit">Add the person</button>
      </form></div>`}
    <label>Search <input value=${q} onInput=${(e) => setQ(e.target.value)} /></label>
    <div class="charts"><section><h2>Organisations</h2>${orgs === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${orgs.map((o) => html`<li key=${o.id}>
      ${editing === o.id ? html`<${EditRecord} path=${'/organizations/' + o.id} record=${o} onDone=${() => { setEditing(null); reload(); }}
          fields=${[{ name: 'name', label: 'Name' }, { name: 'kind', label: 'Kind', options: ORG_KINDS.map((k) => [k, label(k)]) },
            { name: 'sector', label: 'Sector', options: [['', 'none'], ...SECTORS.map((k) => [k, label(k)])] }, { name: 'country', label: 'Country' }]} />`
        : html`${o.name} <span class="meta">· ${label(o.kind)}${o.sector ? ' · ' + label(o.sector) : ''} · ${o.country}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + o.name} onClick=${() => setEditing(o.id)}>Edit</button>`}`}</li>`)}</ul>`}</section>
    <section><h2>People</h2>${people === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${people.map((p) => html`<li key=${p.id}>
      ${editing === p.id ? html`<${EditRecord} path=${'/people/' + p.id} record=${p} onDone=${() => { setEditing(null); reload(); }}
          fields=${[{ name: 'full_name', label: 'Full name' }, { name: 'job_title', label: 'Job title' }, { name: 'email', label: 'Email', type: 'email', nullable: true },
            { name: 'organization_id', label: 'Organisation', options: (orgs || []).map((o) => [o.id, o.name]) }]} />`
        : html`${p.full_name} <span class="meta">· ${p.job_title}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + p.full_name} onClick=${() => setEditing(p.id)}>Edit</button>`}`}</li>`)}</ul>`}</section>
    <${Topics} staff=${staff} q=${q} /></div>
  </main>`;
}


function Topics({ staff, q }) {
  const [topics, setTopics] = useState(null);
  const [editing, setEditing] = useState(null);
  const [n, setN] = useState(0);
  const reload = () => setN(n + 1);
  useEffect(() => { get('/topics?limit=100' + (q ? '&q=' + encodeURIComponent(q) : '')).then((d) => setTopics(d.items), () => setTopics([])); }, [q, n]);
  const topic = useCreate('/topics', (f) => ({ name: f.name, kind: f.kind, reference: f.reference }), reload);
  const fields = [{ name: 'name', label: 'Name' }, { name: 'kind', label: 'Kind', options: TOPIC_KINDS.map((k) => [k, k]) },
    { name: 'reference', label: 'Reference (CVE, CISA advisory or ATT&CK id)' }, { name: 'description', label: 'Description' }];
  return html`<section><h2>Topics</h2>
    ${staff && html`<form class="stacked" onSubmit=${topic.submit} aria-label="Add a topic" novalidate>
      <label for="topic-name">Name</label><input id="topic-name" name="name" /><${FieldError} errors=${topic.errors} name="name" />
      <label for="topic-kind">Kind</label><select id="topic-kind" name="kind">${TOPIC_KINDS.map((k) => html`<option value=${k}>${k}</option>`)}</select>
      <label for="topic-ref">Reference</label><input id="topic-ref" name="reference" /><${FieldError} errors=${topic.errors} name="reference" />
      <button type="submit">Add the topic</button></form>`}
    ${topics === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${topics.map((t) => html`<li key=${t.id}>
      ${editing === t.id ? html`<${EditRecord} path=${'/topics/' + t.id} record=${t} fields=${fields} onDone=${() => { setEditing(null); reload(); }} />`
        : html`<a href=${'/meetings?topic=' + encodeURIComponent(t.name)}>${t.name}</a> <span class="meta">· ${t.kind}${t.reference ? ' · ' + t.reference : ''}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + t.name} onClick=${() => setEditing(t.id)}>Edit</button>`}`}</li>`)}</ul>`}
  </section>`;
}

export function Tokens() {
  const [list, setList] = useState(null);
  const [secret, setSecret] = useState(null);
  const [errors, setErrors] = useState({});
  const load = () => get('/me/tokens?limit=200').then((d) => setList(d.items));
  useEffect(() => { load(); }, []);
  const create = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      const r = await api('POST', '/me/tokens', { name: f.name, scope: f.scope, expires_in_days: f.days ? Number(f.days) : undefined });
      setSecret(r.data.token); setErrors({}); e.target.reset(); load();
    } catch (x) { setErrors(x.fieldErrors || {}); }
  };
  const revoke = async (id) => { await api('DELETE', '/me/tokens/' + id); load(); };
  return html`<main><h1>API tokens</h1>
    ${secret && html`<div class="secret" role="status"><p>Copy this token now: it will not be shown again.</p>
      <code data-testid="secret">${secret}</code> <button type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(secret)}>Copy</button></div>`}
    <form onSubmit=${create} class="filters">
      <label>Name <input name="name" required /><${FieldError} errors=${errors} name="name" /></label>
      <label>Scope <select name="scope"><option value="read">read</option><option value="write">write</option></select></label>
      <label>Expires in days <input name="days" type="number" min="1" max="3650" /></label>
      <button type="submit">Create a token</button>
    </form>
    ${list === null ? html`<p class="loading">Loading…</p>` : list.length === 0 ? html`<p class="empty">No tokens.</p>` : html`<table class="grid"><thead><tr><th>Name</th><th>Scope</th><th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>
      ${list.map((t) => html`<tr><td>${t.name}</td><td>${t.scope}</td><td>${t.expires_at ? t.expires_at.slice(0, 10) : 'never'}</td><td>${t.last_used_at ? t.last_used_at.slice(0, 16).replace('T', ' ') : '–'}</td>
        <td>${t.revoked_at ? 'revoked' : html`<button type="button" onClick=${() => revoke(t.id)}>Revoke</button>`}</td></tr>`)}</tbody></table>`}
  </main>`;
}


export function Users() {
  const [list, setList] = useState(null);
  const [people, setPeople] = useState([]);
  useEffect(() => { get('/people?limit=200').then((d) => setPeople(d.items), () => {}); }, []);
  const [errors, setErrors] = useState({});
  const [msg, setMsg] = useState(null);
  const load = () => get('/users?limit=200').then((d) => setList(d.items), () => setList([]));
  useEffect(() => { load(); }, []);
  const create = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try { await api('POST', '/users', { email: f.email, password: f.password, role: f.role }); setErrors({}); e.target.reset(); load(); }
    catch (x) { setErrors(x.fieldErrors || { email: x.message }); }
  };
  const change = async (u, body, done) => {
    try { await api('PATCH', '/users/' + u.id, body, { ifMatch: `"${u.version}"` }); setMsg(done || null); }
    catch (x) { setMsg(x.status === 412 ? 'Someone else changed this user; the list has been reloaded, try again.' : (x.fieldErrors && Object.values(x.fieldErrors).join('; ')) || x.message); }
    load();
  };
  const toggle = (u) => change(u, { disabled: !u.disabled });
  const reset = (u) => {
    const pw = prompt('A new password for ' + u.email + ' (at least 12 characters). Their sessions end.');
    if (pw) change(u, { password: pw }, 'The password of ' + u.email + ' was reset.');
  };
  return html`<main><h1>Users</h1>
    <form onSubmit=${create} class="filters">
      <label>Email <input name="email" type="email" required /><${FieldError} errors=${errors} name="email" /></label>
      <label>Password <input name="password" type="password" required /><${FieldError} errors=${errors} name="password" /></label>
      <label>Role <select name="role"><option value="viewer">viewer</option><option value="participant">participant</option><option value="coordinator">coordinator</option><option value="admin">admin</option></select></label>
      <button type="submit">Add a user</button>
    </form>
    ${msg && html`<p class="error" role="alert">${msg}</p>`}
    ${list === null ? html`<p class="loading">Loading…</p>` : html`<div class="table-wrap"><table class="grid"><thead><tr><th>Email</th><th>Role</th><th>Person</th><th>State</th><th></th></tr></thead><tbody>
      ${list.map((u) => html`<tr><td>${u.email}</td>
        <td><select aria-label=${'Role of ' + u.email} value=${u.role} onChange=${(e) => change(u, { role: e.target.value })}>${USER_ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></td>
        <td>${u.person_id ? html`${(people.find((p) => p.id === u.person_id) || {}).full_name || 'linked'} <button type="button" class="link" onClick=${() => change(u, { person_id: null })}>Unlink</button>`
          : html`<${Picker} path="/people" display=${(p) => p.full_name} ariaLabel=${'Person of ' + u.email} onPick=${(id) => id && change(u, { person_id: id })} />`}</td>
        <td>${u.disabled ? 'disabled' : 'active'}</td>
        <td><button type="button" onClick=${() => toggle(u)}>${u.disabled ? 'Enable' : 'Disable'}</button> <button type="button" class="secondary" onClick=${() => reset(u)}>Reset password</button></td></tr>`)}</tbody></table></div>`}
  </main>`;
}

export function Audit() {
  const [page, setPage] = useState(null);
  const [cursor, setCursor] = useState('');
  useEffect(() => { get('/audit-events?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(setPage, () => setPage({ items: [] })); }, [cursor]);
  return html`<main><h1>Audit trail</h1>
    ${page === null ? html`<p class="loading">Loading…</p>` : html`<table class="grid"><thead><tr><th>When</th><th>Action</th><th>Entity</th><th>Actor</th><th>Changes</th></tr></thead><tbody>
      ${page.items.map((ev) => html`<tr><td>${ev.at.slice(0, 19).replace('T', ' ')}</td><td>${ev.action}</td><td>${ev.entity_type}</td><td>${ev.actor_id || 'system'}</td>
        <td class="changes">${Object.keys(ev.changes).join(', ')}</td></tr>`)}</tbody></table>
      ${page.next_cursor && html`<button type="button" onClick=${() => setCursor(page.next_cursor)}>Older events</button>`}`}
  </main>`;
}

// EditRecord changes one directory record in place: its fields as a small
// form, sent with If-Match; a 412 is offered as a reload.
export function EditRecord({ path, record, fields, onDone }) {
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [conflict, setConflict] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    const body = {};
    for (const fl of fields) body[fl.name] = fl.nullable && f[fl.name] === '' ? null : f[fl.name];
    try { await api('PATCH', path, body, { ifMatch: `"${record.version}"` }); onDone(true); } catch (x) {
      if (x instanceof ApiError && x.status === 412) setConflict(true);
      else if (x instanceof ApiError && Object.keys(x.fieldErrors).length) setErrors(x.fieldErrors);
      else setProblem(x.message);
    }
  };
  const id = (n) => 'edit-' + record.id + '-' + n;
  return html`<form class="stacked" onSubmit=${save} aria-label=${'Edit ' + (record.name || record.full_name || record.email)} novalidate>
    ${conflict && html`<p class="error" role="alert">Someone else changed this record. <button type="button" onClick=${() => onDone(false)}>Reload it</button></p>`}
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    ${fields.map((fl) => html`<label for=${id(fl.name)}>${fl.label}</label>
      ${fl.options ? html`<select id=${id(fl.name)} name=${fl.name} value=${record[fl.name] ?? ''}>${fl.options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select>`
        : html`<input id=${id(fl.name)} name=${fl.name} type=${fl.type || 'text'} value=${record[fl.name] ?? ''} aria-invalid=${errors[fl.name] ? 'true' : null} aria-describedby=${errors[fl.name] ? 'err-' + fl.name : null} />`}
      <${FieldError} errors=${errors} name=${fl.name} />`)}
    <button type="submit">Save</button> <button type="button" class="secondary" onClick=${() => onDone(false)}>Cancel</button>
  </form>`;
}
