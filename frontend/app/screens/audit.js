// The audit trail (administrators and coordinators): who changed what,
// newest first, with each change's fields before and after.
import { html } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { when } from '../format.js';
import { usePaged } from '../components.js';

// entityLink is where an audited record can be seen in the UI, if anywhere.
function entityLink(ev) {
  if (ev.action === 'delete') return null;
  if (ev.entity_type === 'meeting') return '/meetings/' + ev.entity_id;
  if (ev.entity_type === 'organization') return '/meetings?organization=' + ev.entity_id;
  return null;
}

// shown is a before or after value in a few words.
function shown(v) {
  if (v === null || v === undefined) return '–';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

export function Audit() {
  const { rows, error, more } = usePaged('/audit-events', [], 50);
  return html`<main><h1>Audit trail</h1>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${rows === null && !error ? html`<p class="loading">Loading…</p>` : rows && html`<div class="table-wrap"><table class="grid audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Record</th><th scope="col">Changes</th></tr></thead><tbody>
      ${rows.map((ev) => html`<tr><td>${when(ev.at, 'UTC')}</td><td>${ev.actor_email || (ev.actor_id ? 'a deleted user' : 'the system')}</td><td>${ev.action}</td>
        <td>${entityLink(ev) ? html`<a href=${entityLink(ev)}>${ev.entity_type.replaceAll('_', ' ')}</a>` : ev.entity_type.replaceAll('_', ' ')}</td>
        <td class="changes"><ul>${Object.entries(ev.changes).filter(([k]) => k !== 'id').map(([k, c]) => html`<li><strong>${k}</strong>: ${shown(c && c.before)} → ${shown(c && c.after)}</li>`)}</ul></td></tr>`)}</tbody></table></div>
      ${more && html`<p><button type="button" onClick=${more}>Older events</button></p>`}`}
  </main>`;
}
