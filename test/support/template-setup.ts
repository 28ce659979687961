// Vitest global setup: makes the migrated data dir template (test/support/template.ts) once,
// before the test files start, so they do not race to make it.
import { ensureTemplate } from './template.ts'

export default function setup() {
  ensureTemplate()
}
