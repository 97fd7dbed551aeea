// Dates in the meeting's time zone and the user's, and small labels.

export const userTZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

// timeZones is the IANA names the browser knows, for pickers.
export const timeZones = [...new Set([...(Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []), 'UTC', userTZ])].sort();

// when shows an instant in the meeting's time zone, and in the user's
// where that differs; each says its zone.
export function when(iso, tz) {
  if (!iso) return '';
  const d = new Date(iso);
  const f = (zone) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(d);
  const zone = tz || 'UTC';
  if (zone === userTZ) return `${f(zone)} (${zone})`;
  return `${f(zone)} (${zone}) · ${f(userTZ)} your time (${userTZ})`;
}

// wallParts is the calendar date and clock time of instant t in zone tz.
function wallParts(t, tz) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(t);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

// offset is how far zone tz is ahead of UTC at instant t, in ms.
function offset(t, tz) {
  const w = wallParts(t, tz);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s) - Math.floor(t.getTime() / 1000) * 1000;
}

// wallToInstant reads a datetime-local value ("2024-11-22T10:00") as a
// clock time in zone tz, whatever the browser's own zone, and returns the
// instant in RFC 3339. The second pass settles times near a DST change.
export function wallToInstant(v, tz) {
  if (!v) return '';
  const [date, time] = v.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = (time || '00:00').split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi);
  let t = wall - offset(new Date(wall), tz);
  t = wall - offset(new Date(t), tz);
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

// instantToWall is the datetime-local value of an instant in zone tz.
export function instantToWall(iso, tz) {
  if (!iso) return '';
  const w = wallParts(new Date(iso), tz);
  const two = (n) => String(n).padStart(2, '0');
  return `${w.y}-${two(w.m)}-${two(w.d)}T${two(w.h)}:${two(w.mi)}`;
}

export function day(isoDate) {
  if (!isoDate) return 'no due date';
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export const label = (s) => (s || '').replaceAll('_', ' ');
