// GET /metrics: the server's metrics in Prometheus text format, for a Prometheus scrape.
import { createRoute } from '@hono/zod-openapi'
import { answers, errorAnswer, z } from '../http/schemas.ts'

// The errors any route may answer (answers() without its JSON 200).
const { 200: _, ...errors } = answers(errorAnswer, '')

export const metrics = createRoute({
  method: 'get',
  path: '/',
  summary: 'Metrics in Prometheus text format',
  description:
    'Needs the metrics token of the config (`metrics.token`) as a bearer token, or an admin. A metrics listener on a local address (`metrics.listen`) serves the same without a token.',
  security: [{ bearer: [] }],
  responses: {
    ...errors,
    200: {
      description: 'Counters, gauges and histograms (names in docs/operations.md), and the process\'s default metrics',
      content: { 'text/plain': { schema: z.string().openapi({ description: 'Prometheus text exposition format 0.0.4.' }) } },
    },
  },
})
