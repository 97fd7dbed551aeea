// Import: meeting records from a CSV file, previewed with a dry run, then
// written. The server decides everything; this screen shows its answer.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { ApiError } from '../api.js';

const FORMATS = [
  ['csv', 'Generic CSV (one meeting per row, Liaison\'s column names)'],
  ['whitehouse-calendars', 'White House complex calendars and visitor logs'],
  ['uk-ministerial', 'UK and Scottish ministerial meeting returns'],
];

async function send(file, format, source, dryRun) {
  const q = new URLSearchParams({ format, source });
  if (dryRun) q.set('dry_run', 'true');
  const res = await fetch('/api/v1/imports?' + q, {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv', Accept: 'application/json' }, body: file,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function Result({ r }) {
  const verb = r.dry_run ? { created: 'would create', updated: 'would update', unchanged: 'unchanged' } : { created: 'created', updated: 'updated', unchanged: 'unchanged' };
  const shown = r.meetings.slice(0, 100);
  return html`<section aria-label=${r.dry_run ? 'Preview' : 'Result'} class="import-result">
    <h2>${r.dry_run ? 'Preview: nothing written yet' : 'Imported'}</h2>
    <ul class="figures-list" role="status">
      <li>${r.rows} rows read</li>
      <li>meetings: ${r.created} ${verb.created}, ${r.updated} ${verb.updated}, ${r.unchanged} unchanged</li>
      <li>organisations: ${r.organizations.created} ${r.dry_run ? 'to create' : 'created'}, ${r.organizations.reused} reused</li>
      <li>people: ${r.people.created} ${r.dry_run ? 'to create' : 'created'}, ${r.people.reused} reused</li>
      <li>rejected: ${r.rejected.length}</li>
    </ul>
    ${r.rejected.length > 0 && html`<h3>Rejected rows</h3><div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Row</th><th scope="col">Reason</th></tr></thead>
      <tbody>${r.rejected.map((x) => html`<tr><td>${x.row}</td><td>${x.reason}</td></tr>`)}</tbody></table></div>`}
    <h3>Meetings${r.meetings.length > shown.length ? ` (the first ${shown.length} of ${r.meetings.length})` : ''}</h3>
    <div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Row</th><th scope="col">Outcome</th><th scope="col">Title</th></tr></thead>
      <tbody>${shown.map((m) => html`<tr><td>${m.row}</td><td>${verb[m.outcome]}</td><td>${m.meeting_id ? html`<a href=${'/meetings/' + m.meeting_id}>${m.title}</a>` : m.title}</td></tr>`)}</tbody></table></div>
  </section>`;
}

export function Import() {
  const [file, setFile] = useState(null);
  const [format, setFormat] = useState('csv');
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const run = async (dryRun) => {
    setBusy(true); setError(null);
    try { setResult(await send(file, format, source, dryRun)); } catch (x) { setError(x); setResult(null); }
    setBusy(false);
  };
  const pick = (e) => { const f = e.target.files[0] || null; setFile(f); setResult(null); if (f && !source) setSource(f.name); };
  const fe = (error && error.fieldErrors) || {};
  return html`<main><h1>Import meetings</h1>
    <p>Each row becomes a public-record meeting (TLP:CLEAR, held, attendees public), or is rejected with its reason. Organisations and people are matched to the directory whatever their case or punctuation. Importing the same source again creates nothing new; changed rows update their meetings. Files up to 1 MiB; larger ones with <code>liaison import</code>.</p>
    <form class="stacked" onSubmit=${(e) => { e.preventDefault(); run(true); }} aria-label="Import a file">
      <label for="imp-file">File (CSV)</label><input id="imp-file" type="file" accept=".csv,text/csv" required onChange=${pick} />
      <label for="imp-format">Format</label><select id="imp-format" value=${format} onChange=${(e) => { setFormat(e.target.value); setResult(null); }}>${FORMATS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select>
      ${fe.format && html`<p class="field-error">${fe.format}</p>`}
      <label for="imp-source">Source name</label><input id="imp-source" value=${source} required onInput=${(e) => { setSource(e.target.value); setResult(null); }} />
      <p class="hint">Rows are known again by this name and their row number: keep it when you import a newer copy of the same file.</p>
      ${fe.source && html`<p class="field-error">${fe.source}</p>`}
      <div class="actions"><button type="submit" disabled=${!file || busy}>Preview</button>
        ${result && result.dry_run && html` <button type="button" disabled=${busy} onClick=${() => run(false)}>Import ${result.created + result.updated} meetings</button>`}</div>
    </form>
    ${busy && html`<p class="loading" aria-live="polite">Working…</p>`}
    ${error && html`<p class="error" role="alert">${error.message}${fe.body ? ': ' + fe.body : ''}</p>`}
    ${result && html`<${Result} r=${result} />`}
  </main>`;
}
