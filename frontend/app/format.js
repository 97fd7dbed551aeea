// Dates in the meeting's time zone and the user's, and small labels.

const userTZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function when(iso, tz) {
  if (!iso) return '';
  const d = new Date(iso);
  const f = (zone) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(d);
  if (!tz || tz === userTZ) return f(userTZ);
  return `${f(tz)} (${tz}) · ${f(userTZ)} your time`;
}

export function day(isoDate) {
  if (!isoDate) return 'no due date';
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export const label = (s) => (s || '').replaceAll('_', ' ');

export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
export const STATUSES = ['open', 'in_progress', 'blocked', 'done', 'cancelled'];
export const SECTORS = ['chemical', 'commercial_facilities', 'communications', 'critical_manufacturing', 'dams', 'defense_industrial_base',
  'emergency_services', 'energy', 'financial_services', 'food_agriculture', 'government_facilities', 'healthcare_public_health',
  'information_technology', 'nuclear', 'transportation', 'water'];
