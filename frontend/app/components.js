// Shared components.
import { html, useState, useEffect, useRef } from '../vendor/htm-preact-standalone-3.1.1.js';
import { get } from './api.js';

// Picker chooses a record by searching the API as one types, rather than
// from a capped list: the names found are offered in a datalist, and the
// chosen record's id goes in a hidden field called name (and to onPick).
export function Picker({ name, path, value, label, id, display = (r) => r.name, ariaLabel, onPick, field }) {
  const [text, setText] = useState(label || '');
  const [found, setFound] = useState([]);
  // A new value from outside (a reload, a cleared filter) replaces the
  // text; the first render's does not, so typing at once is kept.
  const given = useRef(value + '|' + label);
  useEffect(() => {
    if (given.current !== value + '|' + label) { given.current = value + '|' + label; setText(label || ''); }
  }, [value, label]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      get(path + '?limit=20' + (text ? '&q=' + encodeURIComponent(text) : '')).then((d) => live && setFound(d.items), () => {});
    }, 150);
    return () => { live = false; clearTimeout(t); };
  }, [text]);
  const hit = found.find((r) => display(r) === text);
  const chosen = hit ? hit.id : text !== '' && text === (label || '') ? value || '' : '';
  useEffect(() => { if (onPick) onPick(chosen); }, [chosen]);
  const listID = (id || name || ariaLabel || 'picker').replace(/[^a-z0-9]/gi, '-') + '-options';
  return html`<span class="picker"><input type="search" id=${id} data-field=${field} list=${listID} value=${text} onInput=${(e) => setText(e.target.value)}
      aria-label=${ariaLabel} autocomplete="off" placeholder="type to search" />
    <datalist id=${listID}>${found.map((r) => html`<option value=${display(r)} />`)}</datalist>
    <input type="hidden" name=${name} value=${chosen} /></span>`;
}
