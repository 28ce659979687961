// The API's contract, published: GET /api/v1/openapi.json (OpenAPI 3.1, generated from every
// route's schemas, for firms' integration teams to generate clients from) and
// GET /api/v1/reference, the same rendered as a page for admins, with no outside assets.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { VERSION } from '../version.ts'

const INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Crosswalk API',
    version: VERSION,
    description:
      'Operational observability and reconciliation across CRM, ERP, PSA and HR systems. Every list answers {items, next_cursor}; every error {error: {code, message, details?}}. Money is an exact decimal JSON number.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
}

export function publishContract(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A personal, collector or admin token.' })
  app.doc31('/api/v1/openapi.json', INFO)
  app.get('/api/v1/reference', (c) => c.html(reference(app.getOpenAPI31Document(INFO))))
}

type Doc = ReturnType<OpenAPIHono['getOpenAPI31Document']>

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** One section per route: method, path, summary, parameters, and its answer's schema. */
function reference(doc: Doc): string {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { summary?: string; parameters?: Array<{ name: string; in: string; description?: string }>; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>).map(
      ([method, op]) => {
        const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}) ${esc(p.description ?? '')}</li>`).join('')
        const ok = op.responses?.['200']?.content
        const schema = ok ? Object.values(ok)[0]?.schema : undefined
        return `<section><h2><span class="m">${esc(method.toUpperCase())}</span> ${esc(path)}</h2><p>${esc(op.summary ?? '')}</p>${
          params ? `<ul>${params}</ul>` : ''
        }${schema ? `<details><summary>Answer</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>` : ''}</section>`
      },
    ),
  )
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}h2{font-size:1rem;margin:1.5rem 0 .25rem}
.m{display:inline-block;min-width:4rem;color:#4338ca}pre{background:#f3f4f6;padding:.75rem;overflow:auto}code{background:#f3f4f6;padding:0 .25rem}</style></head>
<body><h1>${esc(doc.info.title)} ${esc(doc.info.version)}</h1><p>${esc(doc.info.description ?? '')} The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>${sections.join('')}</body></html>`
}
