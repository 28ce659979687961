// The theme before first paint, so a dark-theme reader never sees a white flash. A file (not
// an inline script) because the server's Content-Security-Policy allows scripts from 'self' only.
try {
  var t = localStorage.getItem('cw.theme')
  document.documentElement.dataset.theme = t === 'dark' || t === 'light' ? t : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
} catch (e) {}
