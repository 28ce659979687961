#!/usr/bin/env node
// Runs a TypeScript file of this repo (used by `npm run bench`).
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { register } from 'tsx/esm/api'

register()
await import(pathToFileURL(path.resolve(process.argv[2])).href)
