#!/usr/bin/env node
// The `crosswalk` command. TypeScript sources run through tsx's loader, so there is no build
// step between `npm install` and using the CLI.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
