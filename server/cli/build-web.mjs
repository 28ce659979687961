#!/usr/bin/env node
// `npm install` (the `prepare` script) builds the dashboard into dist/web, so `npx crosswalk
// serve` serves it as installed. Installed without dev dependencies there is no Vite: that is
// said and left to the server, which builds it on its first start where it can (server/web.ts).
let vite
try {
  vite = await import('vite')
} catch {
  console.log('crosswalk: Vite is not installed (dev dependencies omitted): the dashboard is built on the first `crosswalk serve`, or run `npm run build`.')
  process.exit(0)
}
await vite.build({ logLevel: 'error' })
