// The public readouts, paged, for anyone.
import { html } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { when, label } from '../format.js';
import { Loading, usePaged } from '../components.js';

export function PublicReadouts() {
  const paged = usePaged('/public/meetings', [], 20);
  const st = paged.error ? { error: paged.error } : paged.rows === null ? { loading: true } : { data: { items: paged.rows } };
  return html`<main><h1>Public readouts</h1>
    <p><a href="/api/v1/public/readouts.atom">Atom feed</a></p>
    <${Loading} state=${st}>${(page) => page.items.length === 0 ? html`<p class="empty">No public readouts yet.</p>` : html`
    ${page.items.map((m) => html`<article class="readout"><h2>${m.title}</h2>
      <p class="meta">${when(m.starts_at, m.timezone)} · hosted by ${m.host}${m.topics.length ? ' · ' + m.topics.join(', ') : ''}</p>
      <p class="prose">${m.public_readout}</p>
      ${m.attendees.length > 0 && html`<p>Attendees: ${m.attendees.map((a) => (a.name ? `${a.name}, ${a.organization}` : a.organization)).join('; ')}</p>`}
      ${m.withheld_total > 0 && html`<p class="withheld">Attendees withheld: ${m.withheld_by_sector.map((s) => `${s.count} (${label(s.sector)})`).join(', ')}</p>`}
    </article>`)}
    ${paged.more && html`<p><button type="button" onClick=${paged.more}>Older readouts</button></p>`}`}<//></main>`;
}
