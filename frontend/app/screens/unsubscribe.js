// The page a digest's "Unsubscribe" link opens: it asks before it stops
// the e-mail reminders, so that a link scanner opening it changes nothing.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api } from '../api.js';

export function Unsubscribe({ search }) {
  const token = new URLSearchParams(search).get('token') || '';
  const [state, setState] = useState(null);
  const stop = async () => {
    try { await api('POST', '/unsubscribe/' + encodeURIComponent(token)); setState('done'); }
    catch (x) { setState(x.status === 404 ? 'unknown' : x.message); }
  };
  return html`<main class="narrow"><h1>E-mail reminders</h1>
    ${state === 'done' ? html`<p class="note" role="status">Your e-mail reminders are off. Sign in and open Notifications to turn them on again.</p>`
      : state === 'unknown' ? html`<p class="error" role="alert">This link is not known; the reminders may be off already.</p>`
      : html`<p>Stop the e-mail digests Liaison sends you?</p>
        ${state && html`<p class="error" role="alert">${state}</p>`}
        <button type="button" onClick=${stop} disabled=${!token}>Stop e-mail reminders</button>`}
  </main>`;
}
