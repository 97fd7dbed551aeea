// One meeting: what the caller may see of it and, for coordinators, every
// change the API allows, each sent with If-Match and a 412 offered as a
// reload.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api, get } from '../api.js';
import { when, label, timeZones, wallToInstant, instantToWall } from '../format.js';
import { TLPS, PRIORITIES, ATTENDEE_ROLES, ATTENDANCE, DISCLOSURES, REASONS, MEETING_KINDS, MEETING_STATUSES, MODALITIES } from '../enums.js';
import { ItemList } from '../items.js';
import { Picker, NamedPicker, FieldError, useProblem, Problem, Field } from '../components.js';

export function MeetingPage({ id, me, navigate }) {
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const [state, setState] = useState({ loading: true });
  const [n, setN] = useState(0);
  const reload = () => setN(n + 1);
  useEffect(() => {
    Promise.all([api('GET', '/meetings/' + id), get('/meetings/' + id + '/action-items?limit=200')])
      .then(([m, items]) => setState({ m: m.data, etag: m.etag, items: items.items }), (error) => setState({ error }));
  }, [id, n]);
  useEffect(() => { if (state.m) document.title = state.m.title + ' · Liaison'; }, [state.m]);
  if (state.error) return html`<main><h1>Meeting not available</h1><p class="error" role="alert">${state.error.status === 404 ? 'No such meeting, or not one you may see.' : state.error.message}</p></main>`;
  if (!state.m) return html`<main><p class="loading" aria-live="polite">Loading…</p></main>`;
  const { m, etag, items } = state;
  return html`<main data-tlp=${m.tlp}>
    <div class=${'banner tlp-' + m.tlp.replace('+', '-').toLowerCase()} role="note">TLP:${m.tlp}</div>
    <h1 tabindex="-1">${m.title}</h1>
    <p class="meta">${when(m.starts_at, m.timezone)} · ${m.location} · ${label(m.modality)} · ${label(m.kind)} · ${m.status}</p>
    <p>Host: ${m.host ? m.host.name : ''}</p>
    ${m.source && html`<p class="meta">Imported from ${m.source.name}, row ${m.source.row}.</p>`}
    <p class="toolbar"><a class="button secondary" href=${'/api/v1/meetings/' + m.id + '.ics'} download>Add to calendar</a></p>
    ${m.topics.length > 0 && html`<p>Topics: ${m.topics.map((t, i) => html`${i ? ', ' : ''}<a href=${'/meetings?topic=' + encodeURIComponent(t.name)}>${t.name}</a>`)}</p>`}
    ${m.follow_up_of_id && html`<p>Follows up <a href=${'/meetings/' + m.follow_up_of_id}>an earlier meeting</a>.</p>`}
    ${m.follow_ups && m.follow_ups.length > 0 && html`<p>Followed up by: ${m.follow_ups.map((f, i) => html`${i ? ', ' : ''}<a href=${'/meetings/' + f.id}>${f.title}</a>`)}</p>`}
    ${staff && html`<${MeetingActions} m=${m} etag=${etag} reload=${reload} navigate=${navigate} />`}
    <h2>Attendees</h2><ul class="attendees">${m.attendees.map((a) => html`<${Attendee} key=${a.id} a=${a} m=${m} staff=${staff} reload=${reload} />`)}</ul>
    ${staff && html`<${AddAttendee} m=${m} reload=${reload} />`}
    ${m.summary && html`<h2>Summary</h2><p class="prose">${m.summary}</p>`}
    ${m.public_readout && html`<h2>Public readout</h2><p class="prose">${m.public_readout}</p>`}
    <h2>Action items</h2><${ItemList} items=${items} staff=${staff} onChange=${reload} />
    ${staff && html`<${AddItem} m=${m} reload=${reload} />`}
  </main>`;
}

function MeetingActions({ m, etag, reload, navigate }) {
  const [editing, setEditing] = useState(false);
  const [tz, setTZ] = useState(m.timezone);
  const [p, fail, clear] = useProblem();
  const patch = async (body) => {
    try { await api('PATCH', '/meetings/' + m.id, body, { ifMatch: etag }); clear(); setEditing(false); reload(); } catch (x) { fail(x); }
  };
  const save = (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    patch({
      title: f.title, timezone: tz, starts_at: wallToInstant(f.starts_at, tz), ends_at: wallToInstant(f.ends_at, tz), location: f.location,
      modality: f.modality, kind: f.kind, status: f.status, tlp: f.tlp, host_organization_id: f.host_organization_id,
      summary: f.summary, public_readout: f.public_readout, follow_up_of_id: f.follow_up_of_id || null,
      topics: (f.topics || '').split(',').map((s) => s.trim()).filter(Boolean),
    });
  };
  const remove = async () => {
    if (!confirm('Delete the meeting "' + m.title + '" and its action items?')) return;
    try { await api('DELETE', '/meetings/' + m.id, undefined, { ifMatch: etag }); navigate('/meetings'); } catch (x) { fail(x); }
  };
  const fe = p.fields;
  const reloadAll = () => { clear(); reload(); };
  if (!editing) {
    return html`<div class="actions"><${Problem} p=${p} what="meeting" reload=${reloadAll} />
      <button type="button" onClick=${() => setEditing(true)}>Edit the meeting</button>
      ${m.status !== 'cancelled' && html` <button type="button" class="secondary" onClick=${() => patch({ status: 'cancelled' })}>Cancel the meeting</button>`}
      <button type="button" class="secondary" onClick=${remove}>Delete</button></div>`;
  }
  const sel = (values, lbl = label) => values.map((v) => html`<option value=${v}>${lbl(v)}</option>`);
  return html`<form class="stacked meeting-edit" onSubmit=${save} aria-label="Edit the meeting" novalidate>
    <h2>Edit the meeting</h2><${Problem} p=${p} what="meeting" reload=${reloadAll} />
    <${Field} id="e-title" name="title" lbl="Title" errors=${fe}>${(a) => html`<input ...${a} value=${m.title} />`}<//>
    <${Field} id="e-timezone" name="timezone" lbl="Time zone of the meeting" errors=${fe}>${(a) => html`<select ...${a} value=${tz} onChange=${(e) => setTZ(e.target.value)}>${sel(timeZones, (z) => z.replaceAll('_', ' '))}</select>`}<//>
    <${Field} id="e-starts_at" name="starts_at" lbl=${'Starts (' + tz + ')'} errors=${fe}>${(a) => html`<input ...${a} type="datetime-local" value=${instantToWall(m.starts_at, tz)} />`}<//>
    <${Field} id="e-ends_at" name="ends_at" lbl=${'Ends (' + tz + ')'} errors=${fe}>${(a) => html`<input ...${a} type="datetime-local" value=${instantToWall(m.ends_at, tz)} />`}<//>
    <${Field} id="e-location" name="location" lbl="Location" errors=${fe}>${(a) => html`<input ...${a} value=${m.location} />`}<//>
    <${Field} id="e-tlp" name="tlp" lbl="TLP" errors=${fe}>${(a) => html`<select ...${a} value=${m.tlp}>${sel(TLPS, (t) => t)}</select>`}<//>
    <${Field} id="e-status" name="status" lbl="Status" errors=${fe}>${(a) => html`<select ...${a} value=${m.status}>${sel(MEETING_STATUSES)}</select>`}<//>
    <${Field} id="e-kind" name="kind" lbl="Kind" errors=${fe}>${(a) => html`<select ...${a} value=${m.kind}>${sel(MEETING_KINDS)}</select>`}<//>
    <${Field} id="e-modality" name="modality" lbl="Modality" errors=${fe}>${(a) => html`<select ...${a} value=${m.modality}>${sel(MODALITIES)}</select>`}<//>
    <${Field} id="e-host" name="host_organization_id" lbl="Host organisation" errors=${fe}>${(a) => html`<${Picker} id=${a.id} name="host_organization_id" path="/organizations" value=${m.host_organization_id} label=${m.host ? m.host.name : ''} />`}<//>
    <${Field} id="e-topics" name="topics" lbl="Topics (comma-separated)" errors=${fe}>${(a) => html`<input ...${a} value=${m.topics.map((t) => t.name).join(', ')} />`}<//>
    <${Field} id="e-follow" name="follow_up_of_id" lbl="Follows up (an earlier meeting; empty: none)" errors=${fe}>${(a) => html`<${NamedPicker} id=${a.id} name="follow_up_of_id" path="/meetings" display=${(r) => r.title} value=${m.follow_up_of_id || ''} />`}<//>
    <${Field} id="e-summary" name="summary" lbl="Summary (internal)" errors=${fe}>${(a) => html`<textarea ...${a} rows="3">${m.summary}</textarea>`}<//>
    <${Field} id="e-readout" name="public_readout" lbl="Public readout" errors=${fe}>${(a) => html`<textarea ...${a} rows="3">${m.public_readout}</textarea>`}<//>
    <button type="submit">Save the meeting</button> <button type="button" class="secondary" onClick=${() => { clear(); setEditing(false); }}>Cancel</button>
  </form>`;
}

// Attendee shows one attendance row; insiders see a withheld one marked,
// and coordinators change or remove it.
function Attendee({ a, m, staff, reload }) {
  const [editing, setEditing] = useState(false);
  const [p, fail, clear] = useProblem();
  const [disclosure, setDisclosure] = useState(a.disclosure);
  const who = a.redacted
    ? (a.organization ? `${a.organization.name} (person withheld)` : `withheld — ${a.sector === null ? 'sector withheld' : label(a.sector) || 'sector not recorded'}`)
    : `${a.person ? a.person.full_name + ', ' : ''}${a.organization ? a.organization.name : ''}`;
  const path = '/meetings/' + m.id + '/attendees/' + a.id;
  const name = (a.person && a.person.full_name) || (a.organization && a.organization.name) || 'withheld attendee';
  const save = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      await api('PATCH', path, { role: f.role, attendance: f.attendance, disclosure, withholding_reason: disclosure === 'public' ? '' : f.withholding_reason }, { ifMatch: `"${a.version}"` });
      clear(); setEditing(false); reload();
    } catch (x) { fail(x); }
  };
  const remove = async () => {
    if (!confirm('Remove ' + name + ' from the attendance?')) return;
    try { await api('DELETE', path, undefined, { ifMatch: `"${a.version}"` }); reload(); } catch (x) { fail(x); }
  };
  return html`<li class=${a.redacted ? 'withheld' : ''} data-attendee=${a.id}>${who}
    ${!a.redacted && a.disclosure !== 'public' && html` <span class="do-not-share">withheld from others — do not share</span>`}
    <span class="meta"> · ${a.role} · ${a.attendance} · ${label(a.disclosure)}${a.withholding_reason ? ' (' + label(a.withholding_reason) + ')' : ''}</span>
    ${staff && !editing && html` <button type="button" class="link" onClick=${() => setEditing(true)} aria-label=${'Change ' + name}>Change</button> <button type="button" class="link" onClick=${remove} aria-label=${'Remove ' + name}>Remove</button>`}
    <${Problem} p=${p} what="attendance row" reload=${() => { clear(); reload(); }} />
    ${staff && editing && html`<form class="update" onSubmit=${save} aria-label=${'Change ' + name}>
      <label>Role <select name="role" value=${a.role}>${ATTENDEE_ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
      <label>Attendance <select name="attendance" value=${a.attendance}>${ATTENDANCE.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
      <label>Disclosure <select aria-label=${'Disclosure of ' + name} value=${disclosure} onChange=${(e) => setDisclosure(e.target.value)}>${DISCLOSURES.map((r) => html`<option value=${r}>${label(r)}</option>`)}</select></label>
      ${disclosure !== 'public' && html`<label>Reason <select name="withholding_reason" value=${a.withholding_reason || 'national_security'}>${REASONS.map((r) => html`<option value=${r}>${label(r)}</option>`)}</select></label>`}
      <${FieldError} errors=${p.fields} name="withholding_reason" />
      <button type="submit">Save</button> <button type="button" class="secondary" onClick=${() => setEditing(false)}>Cancel</button>
    </form>`}
  </li>`;
}

function AddAttendee({ m, reload }) {
  const [disclosure, setDisclosure] = useState('public');
  const [p, fail, clear] = useProblem();
  const add = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      await api('POST', '/meetings/' + m.id + '/attendees', { person_id: f.person_id || null, organization_id: f.organization_id || '', role: f.role,
        attendance: f.attendance, disclosure, withholding_reason: disclosure === 'public' ? '' : f.withholding_reason });
      clear(); e.target.reset(); setDisclosure('public'); reload();
    } catch (x) { fail(x); }
  };
  return html`<form class="update add-attendee" onSubmit=${add} aria-label="Add an attendee">
    <label>Person <${Picker} id="aa-person" name="person_id" path="/people" display=${(r) => r.full_name} ariaLabel="Attendee's person (empty: the organisation only)" /></label>
    <label>Organisation <${Picker} id="aa-org" name="organization_id" path="/organizations" ariaLabel="Attendee's organisation (empty: the person's)" /></label>
    <label>Role <select name="role" value="attendee">${ATTENDEE_ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
    <label>Attendance <select name="attendance" value="attended">${ATTENDANCE.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
    <label>Disclosure <select id="aa-disclosure" value=${disclosure} onChange=${(e) => setDisclosure(e.target.value)}>${DISCLOSURES.map((r) => html`<option value=${r}>${label(r)}</option>`)}</select></label>
    ${disclosure !== 'public' && html`<label>Reason <select name="withholding_reason">${REASONS.map((r) => html`<option value=${r}>${label(r)}</option>`)}</select></label>`}
    <button type="submit">Add the attendee</button>
    ${['person_id', 'organization_id', 'withholding_reason'].map((k) => html`<${FieldError} errors=${p.fields} name=${k} />`)}
    <${Problem} p=${p} what="meeting" reload=${() => { clear(); reload(); }} />
  </form>`;
}

function AddItem({ m, reload }) {
  const [p, fail, clear] = useProblem();
  const add = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      await api('POST', '/meetings/' + m.id + '/action-items', { title: f.title, owner_organization_id: f.owner_organization_id || null, due_on: f.due_on || null, priority: f.priority });
      clear(); e.target.reset(); reload();
    } catch (x) { fail(x); }
  };
  return html`<form class="update add-item" onSubmit=${add} aria-label="Add an action item" novalidate>
    <label>Title <input id="ai-title" name="title" aria-invalid=${p.fields.title ? 'true' : null} aria-describedby=${p.fields.title ? 'err-title' : null} /></label>
    <label>Owner organisation <${Picker} id="ai-owner" name="owner_organization_id" path="/organizations" ariaLabel="Owner organisation of the new item" /></label>
    <label>Due <input id="ai-due" name="due_on" type="date" /></label>
    <label>Priority <select name="priority" value="medium">${PRIORITIES.map((x) => html`<option value=${x}>${x}</option>`)}</select></label>
    <button type="submit">Add the action item</button>
    ${['title', 'owner_organization_id', 'due_on'].map((k) => html`<${FieldError} errors=${p.fields} name=${k} />`)}
    <${Problem} p=${p} what="meeting" reload=${() => { clear(); reload(); }} />
  </form>`;
}
