// Logging a meeting with its attendees and action items in one form.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api, ApiError } from '../api.js';
import { Picker, FieldError } from '../components.js';
import { label, timeZones, userTZ, wallToInstant } from '../format.js';
import { TLPS, DISCLOSURES, REASONS, MEETING_KINDS, MODALITIES, ATTENDANCE, PRIORITIES } from '../enums.js';

export function NewMeeting({ navigate }) {
  const [attendees, setAttendees] = useState([]);
  const [items, setItems] = useState([]);
  const [errors, setErrors] = useState(null);
  const [problem, setProblem] = useState(null);
  const [tz, setTZ] = useState(userTZ);
  // Rows keep a key of their own, so that removing one leaves the others'
  // pickers as they were.
  const [rowKey, setRowKey] = useState(0);
  const newKey = () => { setRowKey(rowKey + 1); return rowKey; };
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
  const setField = (set, i, k, v) => set((list) => list.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const upd = (set, i, k) => (e) => setField(set, i, k, e.target.value);
  const drop = (set, i) => () => { setErrors(null); set((list) => list.filter((_, j) => j !== i)); };
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
        ${attendees.map((a, i) => html`<div class="row" key=${a.key} data-attendee=${i}>
          <label>Person (empty: the organisation only) <${Picker} field="person_id" path="/people" display=${(p) => p.full_name} ariaLabel=${'Attendee ' + (i + 1) + ' person'} onPick=${(id) => setField(setAttendees, i, 'person_id', id)} /></label>
          <label>Organisation (empty: the person's) <${Picker} field="organization_id" path="/organizations" ariaLabel=${'Attendee ' + (i + 1) + ' organisation'} onPick=${(id) => setField(setAttendees, i, 'organization_id', id)} /></label>
          <label>Attendance <select value=${a.attendance} onChange=${upd(setAttendees, i, 'attendance')}>${ATTENDANCE.map((k) => html`<option value=${k}>${k}</option>`)}</select></label>
          <label>Disclosure <select data-field="disclosure" aria-label=${'Attendee ' + (i + 1) + ' disclosure'} value=${a.disclosure} onChange=${upd(setAttendees, i, 'disclosure')}>${DISCLOSURES.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
          ${a.disclosure !== 'public' && html`<label>Reason <select data-field="withholding_reason" aria-label=${'Attendee ' + (i + 1) + ' withholding reason'} value=${a.withholding_reason} onChange=${upd(setAttendees, i, 'withholding_reason')}>${REASONS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>`}
          <button type="button" class="secondary" onClick=${drop(setAttendees, i)} aria-label=${'Remove attendee ' + (i + 1)}>Remove</button>
          ${['person_id', 'organization_id', 'disclosure', 'withholding_reason'].map((k) => html`<${FieldError} errors=${err} name=${'attendees[' + i + '].' + k} />`)}
        </div>`)}
        <button type="button" class="secondary" onClick=${() => setAttendees([...attendees, { key: newKey(), person_id: '', organization_id: '', attendance: 'attended', disclosure: 'public', withholding_reason: 'national_security' }])}>Add an attendee</button>
      </fieldset>
      <fieldset><legend>Action items</legend>
        ${items.map((it, i) => html`<div class="row" key=${it.key} data-item-row=${i}>
          <label>Title <input data-field="title" aria-label=${'Action item ' + (i + 1) + ' title'} value=${it.title} onInput=${upd(setItems, i, 'title')} /></label>
          <label>Owner organisation <${Picker} field="owner_organization_id" path="/organizations" ariaLabel=${'Action item ' + (i + 1) + ' owner'} onPick=${(id) => setField(setItems, i, 'owner_organization_id', id)} /></label>
          <label>Due <input data-field="due_on" type="date" aria-label=${'Action item ' + (i + 1) + ' due date'} value=${it.due_on} onInput=${upd(setItems, i, 'due_on')} /></label>
          <label>Priority <select value=${it.priority} onChange=${upd(setItems, i, 'priority')}>${PRIORITIES.map((k) => html`<option value=${k}>${k}</option>`)}</select></label>
          <button type="button" class="secondary" onClick=${drop(setItems, i)} aria-label=${'Remove action item ' + (i + 1)}>Remove</button>
          ${['title', 'owner_organization_id', 'due_on'].map((k) => html`<${FieldError} errors=${err} name=${'action_items[' + i + '].' + k} />`)}
        </div>`)}
        <button type="button" class="secondary" onClick=${() => setItems([...items, { key: newKey(), title: '', owner_organization_id: '', due_on: '', priority: 'medium' }])}>Add an action item</button>
      </fieldset>
      <button type="submit">Log the meeting</button>
    </form></main>`;
}
