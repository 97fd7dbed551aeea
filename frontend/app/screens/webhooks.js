// Webhooks (administrators): endpoints that receive what happens to
// meetings and action items, as their owner may see it; each endpoint's
// delivery log, test events, redelivery and secret rotation.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { Picker, FieldError, usePaged, More, useName } from '../components.js';

const EVENTS = ['meeting.created', 'meeting.updated', 'meeting.deleted', 'attendee.created', 'attendee.updated', 'attendee.deleted',
  'action_item.created', 'action_item.updated', 'action_item.status_changed', 'action_item.deleted', 'update.created'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

function Secret({ secret }) {
  return html`<div class="secret" role="status"><p>Copy this signing secret into the receiver now: it will not be shown again.</p>
    <code data-testid="webhook-secret">${secret}</code> <button type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(secret)}>Copy</button></div>`;
}

function OwnerEmail({ id }) {
  return useName('/users/' + id, (u) => u.email) || 'a user';
}

function Deliveries({ hook }) {
  const paged = usePaged(`/webhooks/${hook.id}/deliveries`, [hook.id], 20);
  const [msg, setMsg] = useState(null);
  const redeliver = async (d) => {
    try { await api('POST', `/webhooks/${hook.id}/deliveries/${d.id}/redeliver`); setMsg('Queued again.'); } catch (x) { setMsg(x.message); }
    setTimeout(paged.reload, 1500);
  };
  return html`<section aria-label=${'Deliveries to ' + hook.url}>
    <p><button type="button" class="secondary" onClick=${paged.reload}>Refresh the log</button> ${msg && html`<span class="note" role="status">${msg}</span>`}</p>
    ${paged.rows === null ? html`<p class="loading">Loading…</p>` : paged.rows.length === 0 ? html`<p class="empty">No deliveries yet.</p>`
      : html`<div class="table-wrap"><table class="grid deliveries"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Error</th><th></th></tr></thead><tbody>
        ${paged.rows.map((d) => html`<tr><td>${when(d.created_at)}</td><td>${d.event_type}</td><td>${d.state}</td><td>${d.attempts}</td>
          <td>${d.response_status ?? '–'}</td><td>${d.latency_ms === null ? '–' : d.latency_ms + ' ms'}</td><td class="changes">${d.error}</td>
          <td><button type="button" class="secondary" onClick=${() => redeliver(d)}>Redeliver</button></td></tr>`)}</tbody></table></div>`}
    <${More} paged=${paged} what="deliveries" />
  </section>`;
}

export function Webhooks() {
  const paged = usePaged('/webhooks', [], 50);
  const [secret, setSecret] = useState(null);
  const [errors, setErrors] = useState({});
  const [msg, setMsg] = useState(null);
  const [open, setOpen] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const r = await api('POST', '/webhooks', { url: f.get('url'), event_types: f.getAll('event_types'), tlp_ceiling: f.get('tlp_ceiling'), owner_user_id: f.get('owner_user_id') });
      setSecret(r.data.secret); setErrors({}); setMsg(null); e.target.reset(); paged.reload();
    } catch (x) { setErrors(x.fieldErrors || {}); setMsg(Object.keys(x.fieldErrors || {}).length ? null : x.message); }
  };
  const act = async (fn, done) => {
    try { const r = await fn(); setMsg(done(r)); } catch (x) { setMsg(x.status === 412 ? 'Someone else changed this endpoint; the list has been reloaded, try again.' : x.message); }
    paged.reload();
  };
  const toggle = (h) => act(() => api('PATCH', '/webhooks/' + h.id, { enabled: !h.enabled }, { ifMatch: `"${h.version}"` }), () => (h.enabled ? 'Disabled.' : 'Enabled again.'));
  const test = (h) => act(() => api('POST', `/webhooks/${h.id}/test`), () => { setOpen(h.id); return 'A test event is on its way; see the log.'; });
  const rotate = (h) => confirm('Give ' + h.url + ' a new secret? The receiver must take it before it can verify what follows.')
    && act(() => api('POST', `/webhooks/${h.id}/rotate-secret`), (r) => { setSecret(r.data.secret); return null; });
  const remove = (h) => confirm('Remove ' + h.url + ' and its delivery log?')
    && act(() => api('DELETE', '/webhooks/' + h.id, undefined, { ifMatch: `"${h.version}"` }), () => 'Removed.');
  return html`<main><h1>Webhooks</h1>
    <p>Each endpoint receives the events it takes as one user may see them: nothing of a meeting that user may not see, or above the TLP ceiling. Requests are signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); failed deliveries are retried for about a day, then the endpoint is disabled.</p>
    ${secret && html`<${Secret} secret=${secret} />`}
    <form onSubmit=${create} class="webhook">
      <div class="field"><label for="wh-url">Receiver URL</label><input id="wh-url" name="url" type="url" required size="50" placeholder="https://soc.example.net/liaison" /><${FieldError} errors=${errors} name="url" /></div>
      <div class="field"><label for="wh-owner">Sees as (owner)</label><${Picker} id="wh-owner" name="owner_user_id" path="/users" display=${(u) => u.email} /><${FieldError} errors=${errors} name="owner_user_id" /></div>
      <div class="field"><label for="wh-tlp">TLP ceiling</label><select id="wh-tlp" name="tlp_ceiling">${TLPS.map((t) => html`<option value=${t} selected=${t === 'GREEN'}>${t}</option>`)}</select></div>
      <fieldset><legend>Events</legend>${EVENTS.map((ev) => html`<label class="inline"><input type="checkbox" name="event_types" value=${ev} checked=${ev.startsWith('action_item') || ev === 'update.created'} /> ${ev}</label>`)}
        <${FieldError} errors=${errors} name="event_types" /></fieldset>
      <button type="submit">Add an endpoint</button>
    </form>
    ${msg && html`<p class="note" role="status">${msg}</p>`}
    ${paged.rows === null ? html`<p class="loading">Loading…</p>` : paged.rows.length === 0 ? html`<p class="empty">No endpoints.</p>`
      : html`<ul class="cards webhooks">${paged.rows.map((h) => html`<li key=${h.id}>
        <p><strong>${h.url}</strong> · ${h.enabled ? 'enabled' : html`<span class="flag">disabled</span> ${h.disabled_reason}`}</p>
        <p class="meta">As <${OwnerEmail} id=${h.owner_user_id} /> · up to TLP:${h.tlp_ceiling} · ${h.event_types.join(', ')}</p>
        <p><button type="button" class="secondary" onClick=${() => setOpen(open === h.id ? null : h.id)} aria-expanded=${open === h.id}>Delivery log</button>
          ${' '}<button type="button" class="secondary" onClick=${() => test(h)}>Send test event</button>
          ${' '}<button type="button" class="secondary" onClick=${() => toggle(h)}>${h.enabled ? 'Disable' : 'Enable'}</button>
          ${' '}<button type="button" class="secondary" onClick=${() => rotate(h)}>Rotate secret</button>
          ${' '}<button type="button" class="secondary" onClick=${() => remove(h)}>Remove</button></p>
        ${open === h.id && html`<${Deliveries} hook=${h} />`}
      </li>`)}</ul>`}
    <${More} paged=${paged} what="endpoints" />
  </main>`;
}
