// The package's version, read once (health, the OpenAPI document).
import fs from 'node:fs'

export const VERSION = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string
