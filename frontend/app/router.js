// The router: the URL holds the screen and its filters. Links are
// ordinary anchors; clicks on same-origin links become history pushes.
import { useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';

// navigate shows the screen at the address `to`.
export function navigate(to) {
  history.pushState(null, '', to);
  window.dispatchEvent(new Event('popstate'));
}
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="/"]');
  if (!a || a.target || e.metaKey || e.ctrlKey || a.getAttribute('href').startsWith('/api/')) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});

// useLocation is the current address, path and query.
export function useLocation() {
  const [loc, setLoc] = useState(location.pathname + location.search);
  useEffect(() => {
    const on = () => setLoc(location.pathname + location.search);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return loc;
}
